package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.NeedsTask;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.RunningServer;
import dev.echokit.grader.process.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything the checks of one grading run share: the target, where to write, the servers they
 * start, and the diagnosis that tells a check's own failure from another task's missing behaviour.
 */
public final class Grading {

    /**
     * The namespace under which the {@link dev.echokit.grader.run.Grader} leaves the run in its
     * launcher session's store, keyed by this class: each check finds it there, and a second grading
     * in the same JVM (a class, or Maven's JUnit running the grader's) has a session of its own.
     */
    public static final String STORE = Grading.class.getName();

    // Shared by every check of the grading run.
    private final Target target;
    private final Path workDir;
    private final Lesson lesson;
    private final Preconditions preconditions;
    private final AtomicBoolean plainStartTried;
    private final CompletableFuture<RunningServer.Started> plainStart;
    private final AtomicReference<RunningServer> plainServer;
    private final AtomicReference<CompletableFuture<JavaClasses>> serverClasses;

    // One check's own: checks run side by side, so "the server it started" is per check.
    private final Part part;
    private volatile RunningServer lastServer;

    public Grading(Target target, Path workDir, Lesson lesson) {
        this.target = target;
        this.workDir = workDir;
        this.lesson = lesson;
        this.preconditions = new Preconditions(this);
        this.plainStartTried = new AtomicBoolean();
        this.plainStart = new CompletableFuture<>();
        this.plainServer = new AtomicReference<>();
        this.serverClasses = new AtomicReference<>();
        this.part = null;
    }

    /** The same grading run, seen by one check: it shares everything but the servers it starts. */
    private Grading(Grading run, Part part) {
        this.target = run.target;
        this.workDir = run.workDir;
        this.lesson = run.lesson;
        this.preconditions = run.preconditions;
        this.plainStartTried = run.plainStartTried;
        this.plainStart = run.plainStart;
        this.plainServer = run.plainServer;
        this.serverClasses = run.serverClasses;
        this.part = part;
    }

    /** A view of this run for one check of {@code part} (the extension hands each check its own). */
    Grading forCheck(Part part) {
        return new Grading(this, part);
    }

    /** The part the check this view was handed to counts for, as the lesson's definition and its tags say. */
    Part part() {
        return part;
    }

    static Grading of(ExtensionContext context) {
        Grading run = context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION, ExtensionContext.Namespace.create(STORE))
                .get(Grading.class, Grading.class);
        if (run == null) {
            throw new IllegalStateException("the checks run only through dev.echokit.grader.run.Grader");
        }
        return run;
    }

    /**
     * Starts reading the server's compiled classes for the architecture rules now, on a thread of
     * its own: the read (ArchUnit also reads the JDK classes they use) then overlaps JUnit's start
     * and the first servers' instead of holding up the rules at the end of a grading.
     */
    public void readClassesAhead() {
        serverClasses();
    }

    /** The server's compiled classes as the architecture rules see them: read once per grading run. */
    CompletableFuture<JavaClasses> serverClasses() {
        CompletableFuture<JavaClasses> fresh = new CompletableFuture<>();
        if (serverClasses.compareAndSet(null, fresh)) {
            Path classes = target.compilation().orElseThrow().classes();
            Thread reader = new Thread(() -> {
                try {
                    fresh.complete(ArchitectureChecks.read(classes));
                } catch (RuntimeException | Error e) {
                    fresh.completeExceptionally(e);
                }
            }, "grader-class-reader");
            reader.setDaemon(true);
            reader.start();
        }
        return serverClasses.get();
    }

    public Target target() {
        return target;
    }

    /** grader/target, or the folder a classroom run gives this submission. */
    public Path workDir() {
        return workDir;
    }

    /** The lesson this run grades: its parts, and what relies on what. */
    public Lesson lesson() {
        return lesson;
    }

    Preconditions preconditions() {
        return preconditions;
    }

    /** The server this check most recently started: its log goes into feedback on an unexpected error. */
    RunningServer lastServer() {
        return lastServer;
    }

    /**
     * Starts the server for a check of {@code part} and returns once it listens. A server that
     * does not know {@code --max-clients} fails a task 1 check and holds up any other; a server that
     * never listens fails an echo check and holds up the rest.
     */
    RunningServer serve(Part part, String... args) throws IOException, InterruptedException {
        return serve(part, null, args);
    }

    RunningServer serve(Part part, Integer fileLimit, String... args) throws IOException, InterruptedException {
        if (fileLimit != null && !target.platform().ulimit()) {
            throw target.platform().lacks("starting the server with a limit on its file descriptors", "bash's ulimit");
        }
        Part echo = lesson.provider(Behaviour.ECHOES);
        RunningServer.Started plain = part.equals(echo) && args.length == 0 && fileLimit == null ? plainStart() : null;
        RunningServer.Started started;
        if (plain != null) {
            started = plain; // the echo checks are served by the grading's plain start (see plainStart)
        } else {
            RunningServer server = RunningServer.start(target, List.of(args), fileLimit);
            lastServer = server;
            if (!part.equals(echo)) {
                Optional<String> plainProblem;
                try {
                    plainProblem = plainStartProblem();
                } catch (IOException | InterruptedException | RuntimeException e) {
                    server.close();
                    throw e;
                }
                if (plainProblem.isPresent()) {
                    server.close();
                    throw new NeedsTask(echo, "the server does not start: " + plainProblem.get());
                }
            }
            started = new RunningServer.Started(server, server.awaitListening(RunningServer.startTimeout()));
        }
        RunningServer server = started.server();
        lastServer = server;
        if (started.problem().isEmpty()) {
            return server;
        }
        try {
            boolean usesLimit = Arrays.asList(args).contains("--max-clients");
            Feedback feedback = feedback(part, server)
                    .did("started " + describeStart(args) + (plain != null ? " (once, for every check that starts it so)" : ""))
                    .expected("the server to start listening within " + RunningServer.START_TIMEOUT.toSeconds() + " s")
                    .got(started.problem().get());
            if (usesLimit && Preconditions.rejectsTheOption(server)) {
                Part option = lesson.provider(Behaviour.TAKES_THE_OPTION);
                if (!part.equals(option)) {
                    throw new NeedsTask(option, "the server does not accept --max-clients yet");
                }
                throw feedback.hint("the server does not know the --max-clients option yet: declare it with picocli's @Option"
                        + " in the command class, and hand its value to the server", Feedback.Terms.LESSON_JAVA).error();
            }
            if (started.problem().get().contains("it ignores --port")) {
                feedback.hint("bind to the port the --port option gives: the grader starts every server on a port of its own,"
                        + " and servers on one fixed port would collide");
            } else if (started.problem().get().contains("not listening after")) {
                feedback.hint("the server must print 'listening on HOST:PORT' (or at least listen) once it is ready; "
                        + "is main blocked before the loop starts?");
            }
            if (args.length == 0) {
                // Started as the previous lesson starts it, and it does not listen: that is the echo's
                // failure, and the diagnosis every check that blames echo gets.
                preconditions.recordEchoBroken(started.problem().get());
            }
            if (part.equals(echo)) {
                throw feedback.error();
            }
            throw blame(part, feedback, Behaviour.ECHOES);
        } finally {
            server.close();
        }
    }

    /**
     * The server started as the previous lesson starts it, with no options: once per grading, by
     * whichever check asks first, while that check's own server starts; the others wait for it.
     * The echo checks are served by it. Whether it listens decides whether the other checks can be
     * judged at all: when it does not, every check but echo's ends as "needs echo" at once instead
     * of waiting out its own start. That answer never depends on a check's own server or on which
     * check asked first, so it is the same in every run. Null when there is no answer (interrupted).
     */
    private RunningServer.Started plainStart() throws IOException, InterruptedException {
        if (plainStartTried.compareAndSet(false, true)) {
            try {
                RunningServer.Started started = startOnAPortOfItsOwn();
                started.problem().ifPresent(preconditions::recordEchoBroken);
                plainStart.complete(started);
            } catch (IOException | RuntimeException e) {
                plainStart.completeExceptionally(e);
            } finally {
                plainStart.complete(null); // does nothing once answered above
            }
        }
        try {
            // Bounded: the start above gives up after startTimeout(), at most 3 x START_TIMEOUT; a little more for its exit.
            return plainStart.get(RunningServer.START_TIMEOUT.multipliedBy(3).toSeconds() + 10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("starting the server failed", e.getCause());
        } catch (TimeoutException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern PORT_IN_LOG = java.util.regex.Pattern.compile("(?:listening|cannot listen) on [^\\s:]+:(\\d+)");

    /**
     * The plain start, on a free port given with --port rather than 0, so that a server that binds a
     * port of its own choosing (a fixed 9000) is told so at once, in the same words every run, instead
     * of colliding with the other checks' servers. The port is free when chosen; should anyone take it
     * before the server binds it, the server is started again on another (at most three times).
     */
    private RunningServer.Started startOnAPortOfItsOwn() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int port = RunningServer.freePort();
            RunningServer server = RunningServer.start(target, List.of("--port", Integer.toString(port)), null);
            plainServer.set(server);
            Optional<String> problem = server.awaitListening(RunningServer.startTimeout());
            Optional<Integer> used = server.log().find(PORT_IN_LOG.asPredicate()).map(dev.echokit.grader.process.LogLine::text)
                    .map(PORT_IN_LOG::matcher).filter(java.util.regex.Matcher::find).map(m -> Integer.parseInt(m.group(1)));
            if (used.isPresent() && used.get() != port) {
                return new RunningServer.Started(server, Optional.of("started with --port " + port + ", it chose port "
                        + used.get() + " instead: it ignores --port"));
            }
            boolean portTaken = problem.isPresent() && server.log().find(line -> line.contains("cannot listen on")).isPresent();
            if (!portTaken || attempt == 3) {
                return new RunningServer.Started(server, problem);
            }
            server.close();
        }
    }

    /** What kept the plain start from listening, if anything; empty when there is no answer. */
    private Optional<String> plainStartProblem() throws IOException, InterruptedException {
        RunningServer.Started plain = plainStart();
        return plain == null ? Optional.empty() : plain.problem();
    }

    /** Stops the plain start's server, if no echo check has already: the grading is over. */
    public void close() {
        RunningServer server = plainServer.get();
        if (server != null) {
            server.close();
        }
    }

    String describeStart(String... args) {
        return "the server with --port 0" + (args.length == 0 ? "" : " " + String.join(" ", args));
    }

    Feedback feedback(Part part, RunningServer server) {
        return Feedback.forPart(lesson, part).target(target).server(server);
    }

    /**
     * The failure of a check of {@code own}, unless a behaviour it relies on is missing: then the
     * check cannot judge its own task and ends as "needs" the part that provides it, asked in lesson
     * order. Each behaviour is tried once per run, on a fresh server, in the weakest form it can be seen.
     * A behaviour the lesson does not declare {@code own} relies on is the grader's mistake.
     */
    Feedback.Failure blame(Part own, Feedback failure, Behaviour... relied) {
        return blame(own, failure, List.of(relied));
    }

    Feedback.Failure blame(Part own, Feedback failure, java.util.Collection<Behaviour> relied) {
        List<Part> needed = relied.stream().map(lesson::provider).filter(p -> !p.equals(own)).distinct().sorted().toList();
        for (Part part : needed) {
            assert own.reliance().contains(part.provided().orElseThrow())
                    : own + " relies on " + part.provided().orElseThrow() + ", which the lesson does not declare";
            preconditions.require(part);
        }
        return failure.error();
    }
}
