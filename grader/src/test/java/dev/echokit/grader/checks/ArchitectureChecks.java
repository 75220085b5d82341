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
import dev.echokit.grader.Compilation;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The rules of a single-threaded NIO server, read from the compiled classes of the target. */
@Tag("architecture")
@DisplayName("Architecture — one thread, one selector")
@ExtendWith(GraderExtension.class)
class ArchitectureChecks {

    private static JavaClasses server;

    @BeforeAll
    static void importClasses(Grading grading) {
        Compilation compilation = grading.target().compilation().orElseThrow();
        server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(compilation.classes());
    }

    static final ArchRule the_server_should_not_start_threads =
            noClasses()
                    .should().callMethodWhere(calling("start", Thread.class))
                    .orShould().dependOnClassesThat().belongToAnyOf(Executor.class, Executors.class,
                            ForkJoinPool.class, CompletableFuture.class)
                    .because("one thread runs the selector loop and serves every client; "
                            + "a thread per client is the design this lesson replaces");

    static final ArchRule the_server_should_not_use_blocking_sockets =
            noClasses()
                    .should().dependOnClassesThat().belongToAnyOf(ServerSocket.class, Socket.class)
                    .because("java.net.ServerSocket and Socket block the calling thread; "
                            + "the loop must use ServerSocketChannel and SocketChannel in non-blocking mode");

    static final ArchRule the_server_should_never_sleep =
            noClasses()
                    .should().callMethodWhere(calling("sleep", Thread.class))
                    .orShould().callMethodWhere(calling("sleep", java.util.concurrent.TimeUnit.class))
                    .because("a sleeping loop serves nobody; wait in select(), with a timeout if you need one");

    static final ArchRule only_the_command_should_depend_on_picocli =
            noClasses()
                    .that().areNotAnnotatedWith(CommandLine.Command.class)
                    .and(DescribedPredicate.not(nestedInACommand()))
                    .should().dependOnClassesThat().resideInAPackage("picocli..")
                    .because("parsing the command line is the command class's job; the server "
                            + "takes plain values, so it can be started and tested without picocli");

    static final ArchRule system_exit_should_be_called_only_from_main =
            noClasses()
                    .should().callMethodWhere(calling("exit", System.class).and(notFromMain()))
                    .orShould().callMethodWhere(calling("exit", Runtime.class))
                    .orShould().callMethodWhere(calling("halt", Runtime.class))
                    .because("only main decides the exit code; a server that exits from inside "
                            + "skips closing its clients, and cannot be reused or tested");

    @Test
    @DisplayName("the server starts no threads")
    void noThreads() {
        the_server_should_not_start_threads.check(server);
    }

    @Test
    @DisplayName("the server uses no blocking ServerSocket or Socket")
    void noBlockingSockets() {
        the_server_should_not_use_blocking_sockets.check(server);
    }

    @Test
    @DisplayName("the server never sleeps")
    void neverSleeps() {
        the_server_should_never_sleep.check(server);
    }

    @Test
    @DisplayName("only the command class depends on picocli")
    void picocliOnlyInTheCommand() {
        only_the_command_should_depend_on_picocli.check(server);
    }

    @Test
    @DisplayName("System.exit is called only from main")
    void exitOnlyFromMain() {
        system_exit_should_be_called_only_from_main.check(server);
    }

    /** Task 1, read from the classes: the limit is a real picocli option, not hand-parsed arguments. */
    @Test
    @Tag("task:1")
    @DisplayName("--max-clients is declared as a picocli @Option")
    void maxClientsIsAnOption() {
        classes()
                .that().areAnnotatedWith(CommandLine.Command.class)
                .should(declareAnOption("--max-clients"))
                .because("picocli then parses the number, shows the default in --help and reports bad values for you")
                .check(server);
    }

    private static DescribedPredicate<JavaCall<?>> calling(String method, Class<?> owner) {
        return DescribedPredicate.describe("call " + owner.getSimpleName() + "." + method,
                call -> call.getName().equals(method) && call.getTargetOwner().isAssignableTo(owner));
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
                        + (found ? " declares " : " has no @Option(names = \"" + name + "\") — add one; ") + name));
            }
        };
    }

    private static String[] optionNames(JavaMember member) {
        Object names = member.getAnnotationOfType(CommandLine.Option.class.getName()).get("names").orElse(new String[0]);
        return names instanceof String[] array ? array : new String[] {String.valueOf(names)};
    }
}
