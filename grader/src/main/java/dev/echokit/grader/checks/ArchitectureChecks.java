package dev.echokit.grader.checks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.NotApplicable;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.stream.BaseStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The rules of a single-threaded NIO server, read from the compiled classes of the target. */
@Tag("architecture")
@DisplayName("Architecture — one thread, one selector")
@ExtendWith(GraderExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the classes belong to this grading run, not to the JVM
public class ArchitectureChecks {

    private JavaClasses server;

    @BeforeAll
    void importClasses(Grading grading) {
        try {
            server = grading.serverClasses().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The compiled classes in {@code folder}, as ArchUnit sees them. */
    static JavaClasses read(java.nio.file.Path folder) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPath(folder);
    }

    static final ArchRule the_server_should_not_start_threads =
            noClasses()
                    .should().callMethodWhere(calling("start", Thread.class))
                    .orShould().callMethodWhere(callingThreadFactories())
                    .orShould().callMethodWhere(callingAsyncOrParallel())
                    .orShould().dependOnClassesThat(runThreads())
                    .as("the server starts no threads")
                    .because("one thread runs the selector loop and serves every client; a thread per client,"
                            + " a pool or a timer is the design this lesson replaces (the shutdown hook is the JVM's, not yours to start)");

    static final ArchRule the_server_should_not_use_blocking_sockets =
            noClasses()
                    .should().callCodeUnitWhere(blockingSocketUse())
                    .as("the server uses no blocking java.net.ServerSocket or Socket")
                    .because("java.net.ServerSocket and Socket block the calling thread; "
                            + "the loop must use ServerSocketChannel and SocketChannel in non-blocking mode");

    static final ArchRule the_server_should_never_sleep =
            noClasses()
                    .should().callMethodWhere(calling("sleep", Thread.class))
                    .orShould().callMethodWhere(calling("sleep", java.util.concurrent.TimeUnit.class))
                    .as("the server never sleeps")
                    .because("a sleeping loop serves nobody; wait in select(), with a timeout if you need one");

    static final ArchRule only_the_command_should_depend_on_picocli =
            noClasses()
                    .that().areNotAnnotatedWith(CommandLine.Command.class)
                    .and(DescribedPredicate.not(nestedInACommand()))
                    .should().dependOnClassesThat().resideInAPackage("picocli..")
                    .as("only the @Command class depends on picocli")
                    .because("parsing the command line is the command class's job; the server "
                            + "takes plain values, so it can be started and tested without picocli")
                    // A server written as its command class alone has no other class to check: the rule holds (a
                    // helper's one-class server lost 10 XP to "0 violations", ArchUnit's verdict on an empty that()).
                    .allowEmptyShould(true);

    static final ArchRule system_exit_should_be_called_only_from_main =
            noClasses()
                    .should().callMethodWhere(calling("exit", System.class).and(notFromMain()))
                    .orShould().callMethodWhere(calling("exit", Runtime.class))
                    .orShould().callMethodWhere(calling("halt", Runtime.class))
                    .as("System.exit, Runtime.exit and Runtime.halt are called only from main")
                    .because("only main decides the exit code; a server that exits from inside "
                            + "skips closing its clients, and cannot be reused or tested");

    @Test
    @DisplayName("the server starts no threads")
    void noThreads(Grading grading) {
        check(the_server_should_not_start_threads, grading);
    }

    @Test
    @DisplayName("the server uses no blocking ServerSocket or Socket")
    void noBlockingSockets(Grading grading) {
        check(the_server_should_not_use_blocking_sockets, grading);
    }

    @Test
    @DisplayName("the server never sleeps")
    void neverSleeps(Grading grading) {
        check(the_server_should_never_sleep, grading);
    }

    @Test
    @DisplayName("only the command class depends on picocli")
    void picocliOnlyInTheCommand(Grading grading) {
        check(only_the_command_should_depend_on_picocli, grading);
    }

    @Test
    @DisplayName("System.exit is called only from main")
    void exitOnlyFromMain(Grading grading) {
        check(system_exit_should_be_called_only_from_main, grading);
    }

    /** Task 1, read from the classes: the limit is a real picocli option, not hand-parsed arguments. */
    @Test
    @Tag("task:1")
    @DisplayName("--max-clients is declared as a picocli @Option")
    void maxClientsIsAnOption(Grading grading) {
        Feedback feedback = Feedback.forPart(grading.lesson(), grading.part()).target(grading.target())
                .did("read the compiled classes of the server")
                .expected("a field or setter in the @Command class annotated @Option(names = \"--max-clients\")")
                .hint("picocli parses the number, shows the default in --help and reports bad values for you");
        if (server.stream().noneMatch(type -> type.isAnnotatedWith(CommandLine.Command.class))) {
            // A server that does not use picocli at all (its own argument parsing, in any style) is judged by what it
            // does, as a command is: the other task 1 checks. A helper's hand-parsed server lost 2 XP here.
            throw new NotApplicable("the server does not use picocli (no class is annotated @Command): its option is judged by what it does");
        }
        try {
            the_command_should_declare_max_clients_as_an_option.check(server);
        } catch (AssertionError violation) {
            throw feedback.got(violation.getMessage().lines().skip(1).collect(java.util.stream.Collectors.joining(" ")).strip()).error();
        }
    }

    static final ArchRule the_command_should_declare_max_clients_as_an_option =
            classes()
                    .that().areAnnotatedWith(CommandLine.Command.class)
                    .should(declareAnOption("--max-clients"))
                    .because("picocli then parses the number, shows the default in --help and reports bad values for you");

    /** Checks a rule and, when it is broken, says so in the grader's words: the reason, then each violation. */
    private void check(ArchRule rule, Grading grading) {
        try {
            rule.check(server);
        } catch (AssertionError violation) {
            // ArchUnit gives a field's type "line 0", which no editor shows: the file alone is the truth.
            List<String> lines = violation.getMessage().lines().skip(1).map(line -> line.replaceAll("\\.java:0\\)", ".java)")).toList();
            Feedback feedback = Feedback.forPart(grading.lesson(), grading.part()).at(places(lines, grading));
            owner(lines, grading).ifPresent(feedback::charging);
            throw feedback
                    .did("read the compiled classes of the server")
                    .expected(rule.getDescription().replaceFirst(", because .*", ""))
                    .got(lines.size() + " violation" + (lines.size() == 1 ? "" : "s") + ":\n      "
                            + String.join("\n      ", lines.subList(0, Math.min(lines.size(), 8))))
                    .hint(rule.getDescription().replaceFirst(".*, because ", ""))
                    .error();
        }
    }

    /** "Method <a.b.C.m(..)> calls … in (C.java:12)": where in the graded source each violation is, with its code (at most 4). */
    private static final java.util.regex.Pattern VIOLATION_AT = java.util.regex.Pattern.compile(
            "<([\\w.$]+)\\.([\\w<>$]+)\\([^)]*\\)>.*\\((\\w+\\.java):(\\d+)\\)");

    private static List<String> places(List<String> violations, Grading grading) {
        return frames(violations).map(grading.target()::place).flatMap(java.util.Optional::stream).distinct().limit(4).toList();
    }

    /** The task whose own method holds the first violation that lies in one (refuse() is task 3's, say); empty for the shared loop. */
    private static java.util.Optional<dev.echokit.grader.lesson.Part> owner(List<String> violations, Grading grading) {
        return frames(violations).map(frame -> grading.target().owner(frame, grading.lesson().tasks()))
                .flatMap(java.util.Optional::stream).findFirst();
    }

    private static java.util.stream.Stream<dev.echokit.grader.process.Crash.Frame> frames(List<String> violations) {
        return violations.stream().map(VIOLATION_AT::matcher).filter(java.util.regex.Matcher::find)
                .map(m -> new dev.echokit.grader.process.Crash.Frame(m.group(1).replaceFirst("\\$.*", ""), m.group(2), m.group(3),
                        Integer.parseInt(m.group(4))));
    }

    private static DescribedPredicate<JavaCall<?>> calling(String method, Class<?> owner) {
        return DescribedPredicate.describe("call " + owner.getSimpleName() + "." + method,
                call -> call.getName().equals(method) && call.getTargetOwner().isAssignableTo(owner));
    }

    /**
     * Creating a java.net.ServerSocket or Socket, or the calls that block on one: accept, connect and
     * the streams. A channel's socket() adapter used to set an option (SO_LINGER, say) blocks nothing
     * and is not this rule's business; what it does to the connection is the checks' to judge.
     */
    private static DescribedPredicate<JavaCall<?>> blockingSocketUse() {
        return DescribedPredicate.describe("create a ServerSocket or Socket, or accept, connect or stream on one", call -> {
            JavaClass owner = call.getTargetOwner();
            boolean socket = owner.isAssignableTo(ServerSocket.class) || owner.isAssignableTo(Socket.class);
            return socket && List.of("<init>", "accept", "connect", "getInputStream", "getOutputStream").contains(call.getName());
        });
    }

    /** Thread.startVirtualThread, Thread.ofVirtual/ofPlatform and their builders (named, so any JDK's classes match), a ThreadFactory, NIO.2 channels. */
    private static DescribedPredicate<JavaCall<?>> callingThreadFactories() {
        return DescribedPredicate.describe("start a thread through Thread's builders, a thread factory or an asynchronous channel", call -> {
            String owner = call.getTargetOwner().getName();
            return owner.startsWith("java.lang.Thread$Builder")
                    || owner.equals("java.lang.Thread") && List.of("startVirtualThread", "ofVirtual", "ofPlatform").contains(call.getName())
                    || call.getTargetOwner().isAssignableTo(ThreadFactory.class) && call.getName().equals("newThread")
                    // NIO.2: an asynchronous channel's handlers run on its group's pool, which the JDK starts for the default group
                    // (a server that never names a thread still runs several: one such once passed this rule)
                    || (call.getTargetOwner().isAssignableTo(java.nio.channels.AsynchronousChannel.class)
                            || call.getTargetOwner().isAssignableTo(java.nio.channels.AsynchronousChannelGroup.class))
                            && (call.getName().equals("open") || call.getName().startsWith("with"));
        });
    }

    /** CompletableFuture's *Async methods and parallel streams: both run code on the common pool's threads. */
    private static DescribedPredicate<JavaCall<?>> callingAsyncOrParallel() {
        return DescribedPredicate.describe("run work on other threads (CompletableFuture.*Async, parallel streams)", call ->
                call.getTargetOwner().isAssignableTo(CompletableFuture.class) && call.getName().endsWith("Async")
                        || call.getTargetOwner().isAssignableTo(Collection.class) && call.getName().equals("parallelStream")
                        || call.getTargetOwner().isAssignableTo(BaseStream.class) && call.getName().equals("parallel"));
    }

    /** Any executor (by assignability: pools, ForkJoinPool, schedulers), Executors, Timer. */
    private static DescribedPredicate<JavaClass> runThreads() {
        return DescribedPredicate.describe("run threads (an Executor of any kind, Executors, a Timer, an asynchronous channel)", javaClass ->
                javaClass.isAssignableTo(Executor.class) || javaClass.isAssignableTo(Executors.class)
                        || javaClass.isAssignableTo(Timer.class) || javaClass.isAssignableTo(TimerTask.class));
    }

    private static DescribedPredicate<JavaCall<?>> notFromMain() {
        return DescribedPredicate.describe("outside main", call -> !call.getOrigin().getName().equals("main"));
    }

    private static DescribedPredicate<JavaClass> nestedInACommand() {
        return DescribedPredicate.describe("nested in a @Command class", javaClass -> javaClass.getEnclosingClass()
                .map(outer -> outer.isAnnotatedWith(CommandLine.Command.class)).orElse(false));
    }

    private static ArchCondition<JavaClass> declareAnOption(String name) {
        return new ArchCondition<>("declare an @Option named " + name) {
            @Override
            public void check(JavaClass command, ConditionEvents events) {
                boolean found = command.getMembers().stream()
                        .filter(member -> member.isAnnotatedWith(CommandLine.Option.class))
                        .map(ArchitectureChecks::optionNames)
                        .anyMatch(names -> Arrays.asList(names).contains(name));
                events.add(new SimpleConditionEvent(command, found, command.getSimpleName()
                        + (found ? " declares " + name : " has no @Option named " + name)));
            }
        };
    }

    private static String[] optionNames(JavaMember member) {
        Object names = member.getAnnotationOfType(CommandLine.Option.class.getName()).get("names").orElse(new String[0]);
        return names instanceof String[] array ? array : new String[] {String.valueOf(names)};
    }
}
