package dev.echokit.grader.checks;

import dev.echokit.grader.Feedback;
import dev.echokit.grader.NeedsTask;
import dev.echokit.grader.Part;
import dev.echokit.grader.RunningServer;
import dev.echokit.grader.Target;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything the checks of one grading run share: the target, where to write, the servers they
 * start, and the diagnosis that tells a check's own failure from another task's missing behaviour.
 */
public final class Grading {

    /** The configuration parameter that names the run; the {@link dev.echokit.grader.Grader} registers it. */
    public static final String RUN_ID = "grader.run";

    private static final Map<String, Grading> RUNS = new ConcurrentHashMap<>();

    private final Target target;
    private final Path workDir;
    private final Preconditions preconditions = new Preconditions(this);
    private volatile RunningServer lastServer;
    private final AtomicBoolean plainStartTried = new AtomicBoolean();
    private final CompletableFuture<Optional<String>> plainStart = new CompletableFuture<>();

    public Grading(Target target, Path workDir) {
        this.target = target;
        this.workDir = workDir;
    }

    public static void register(String id, Grading grading) {
        RUNS.put(id, grading);
    }

    public static void unregister(String id) {
        RUNS.remove(id);
    }

    static Grading of(ExtensionContext context) {
        String id = context.getConfigurationParameter(RUN_ID)
                .orElseThrow(() -> new IllegalStateException("the checks run only through dev.echokit.grader.Grader"));
        Grading grading = RUNS.get(id);
        if (grading == null) {
            throw new IllegalStateException("no grading run " + id);
        }
        return grading;
    }

    public Target target() {
        return target;
    }

    /** grader/target, or the folder a classroom run gives this submission. */
    public Path workDir() {
        return workDir;
    }

    Preconditions preconditions() {
        return preconditions;
    }

    /** The server most recently started for a check: its log goes into feedback on an unexpected error. */
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
            Assumptions.abort(target.platform().lacks("starting the server with a limit on its file descriptors", "bash's ulimit"));
        }
        RunningServer server = RunningServer.start(target, List.of(args), fileLimit);
        lastServer = server;
        if (part != Part.ECHO) {
            Optional<String> plain;
            try {
                plain = plainStartProblem();
            } catch (InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
            if (plain.isPresent()) {
                server.close();
                throw new NeedsTask(Part.ECHO, "the server does not start: " + plain.get());
            }
        }
        RunningServer.Started started = new RunningServer.Started(server, server.awaitListening(RunningServer.START_TIMEOUT));
        if (started.problem().isEmpty()) {
            return server;
        }
        try {
            boolean usesLimit = Arrays.asList(args).contains("--max-clients");
            Feedback feedback = feedback(part, server)
                    .did("started " + describeStart(args))
                    .expected("the server to start listening within " + RunningServer.START_TIMEOUT.toSeconds() + " s")
                    .got(started.problem().get());
            if (usesLimit && Preconditions.rejectsTheOption(server)) {
                if (part != Part.TASK_1) {
                    throw new NeedsTask(Part.TASK_1, "the server does not accept --max-clients yet");
                }
                throw feedback.hint("the server does not know the --max-clients option yet: declare it with picocli's @Option"
                        + " in the command class, and hand its value to the server").error();
            }
            if (started.problem().get().contains("not listening after")) {
                feedback.hint("the server must print 'listening on HOST:PORT' (or at least listen) once it is ready; "
                        + "is main blocked before the loop starts?");
            }
            if (args.length == 0) {
                // Started as the previous lesson starts it, and it does not listen: that is the echo's
                // failure, and the diagnosis every check that blames echo gets.
                preconditions.recordEchoBroken(started.problem().get());
            }
            if (part == Part.ECHO) {
                throw feedback.error();
            }
            throw blame(part, feedback, Part.ECHO);
        } finally {
            server.close();
        }
    }

    /**
     * Whether the server starts and listens as the previous lesson starts it (no options), tried
     * once per grading on a server of its own. When it does not, every check but echo's ends as
     * "needs echo" at once instead of waiting out its own start: the same answer in every run,
     * whichever check happens to ask first, because the question never depends on a check's server.
     * The first check to ask tries it, while its own server is starting; the others wait for the answer.
     */
    private Optional<String> plainStartProblem() throws InterruptedException {
        if (plainStartTried.compareAndSet(false, true)) {
            Optional<String> problem = Optional.empty(); // if this thread is interrupted: no answer, as below
            try (RunningServer plain = RunningServer.start(target, List.of(), null)) {
                problem = plain.awaitListening(RunningServer.START_TIMEOUT);
            } catch (IOException e) {
                problem = Optional.of("the grader could not start it: " + e.getMessage());
            } finally {
                problem.ifPresent(preconditions::recordEchoBroken);
                plainStart.complete(problem);
            }
        }
        try {
            // Bounded: the start above gives up after START_TIMEOUT; a little more for its exit.
            return plainStart.get(RunningServer.START_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty(); // no answer: the check judges its own server, as it would anyway
        }
    }

    String describeStart(String... args) {
        return "the server with --port 0" + (args.length == 0 ? "" : " " + String.join(" ", args));
    }

    Feedback feedback(Part part, RunningServer server) {
        return Feedback.forPart(part).target(target).server(server);
    }

    /**
     * The failure of a check of {@code own}, unless one of {@code needed} (echo, or an earlier task)
     * is missing: then the check cannot judge its own task and ends as "needs" that part.
     * Each part's behaviour is tried once per run, on a fresh server, in the weakest form it can be seen.
     */
    Feedback.Failure blame(Part own, Feedback failure, Part... needed) {
        for (Part part : needed) {
            if (part != own) {
                preconditions.require(part);
            }
        }
        return failure.error();
    }
}
