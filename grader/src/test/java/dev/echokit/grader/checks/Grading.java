package dev.echokit.grader.checks;

import dev.echokit.grader.Feedback;
import dev.echokit.grader.RunningServer;
import dev.echokit.grader.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Everything a check needs about the graded target: how to start it and how to word a failure.
 * One instance per target per run, shared by all checks.
 */
public final class Grading {

    private final Target target;
    private final boolean kitMode;
    private final Path workDir;
    private volatile boolean everListened;
    private volatile String neverStarted;  // the first start failure, while no start has worked

    private Grading(Target target, boolean kitMode, Path workDir) {
        this.target = target;
        this.kitMode = kitMode;
        this.workDir = workDir;
    }

    /** The grading for this run's target, resolved and compiled once. */
    static Grading of(ExtensionContext context) {
        Settings settings = Settings.of(context);
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(settings.key(), key -> {
                    try {
                        Target target = Target.resolve(settings.command(), settings.target(), settings.kitRoot(), settings.workDir());
                        return new Grading(target, settings.kitMode(), settings.workDir());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, Grading.class);
    }

    /** Where this run's settings come from: JUnit configuration parameters, else system properties. */
    record Settings(String command, String target, Path kitRoot, Path workDir, boolean kitMode) {
        static Settings of(ExtensionContext context) {
            String command = context.getConfigurationParameter("grader.command").orElse(null);
            String reactor = context.getConfigurationParameter("grader.reactor").orElse("");
            // The whole kit is being built (lesson-solution is in this Maven run): grade the answer.
            boolean wholeKit = reactor.contains(":lesson-solution:");
            Optional<String> chosen = context.getConfigurationParameter("grader.target").filter(t -> !t.isBlank());
            String target = chosen.orElse(wholeKit ? "lesson-solution" : "lesson-starter");
            Path kitRoot = Path.of(context.getConfigurationParameter("grader.kitRoot").orElse("..")).toAbsolutePath().normalize();
            Path workDir = Path.of(context.getConfigurationParameter("grader.workDir").orElse("target")).toAbsolutePath().normalize();
            boolean kitMode = wholeKit && chosen.isEmpty() && (command == null || command.isBlank());
            return new Settings(command, target, kitRoot, workDir, kitMode);
        }

        String key() {
            return "grading:" + command + ":" + target + ":" + kitRoot;
        }
    }

    /** grader/target, or the folder a classroom run gives this submission. */
    public Path workDir() {
        return workDir;
    }

    public Target target() {
        return target;
    }

    /** True when the whole kit is being built and the grader checks the reference solution. */
    public boolean kitMode() {
        return kitMode;
    }

    /**
     * Starts the server and fails the check, in words, if it does not listen. When the check needs
     * {@code --max-clients} and the server does not know the option, says that task 1 comes first.
     */
    public RunningServer serve(int task, String... args) throws IOException, InterruptedException {
        return serve(task, null, args);
    }

    public RunningServer serve(int task, Integer fileLimit, String... args) throws IOException, InterruptedException {
        if (neverStarted != null && !everListened) {
            // Fail fast: a server that never listens would otherwise cost every check the full start timeout.
            throw Feedback.forTask(task).target(target).did("started " + describeStart(args))
                    .expected("the server to start listening")
                    .got("not tried again: an earlier start failed and no start has worked in this run. " + neverStarted)
                    .error();
        }
        RunningServer.Started started = RunningServer.startAndAwait(target, List.of(args), fileLimit);
        if (started.problem().isEmpty()) {
            everListened = true;
            return started.server();
        }
        RunningServer server = started.server();
        try {
            boolean usesLimit = Arrays.asList(args).contains("--max-clients");
            boolean optionUnknown = server.log().stream().anyMatch(line ->
                    line.toLowerCase().contains("unknown option") && line.contains("--max-clients"));
            Feedback feedback = Feedback.forTask(task)
                    .target(target)
                    .did("started " + describeStart(args))
                    .expected("the server to start listening within " + RunningServer.START_TIMEOUT.toSeconds() + " s")
                    .got(started.problem().get())
                    .server(server);
            if (!usesLimit || !optionUnknown) {
                neverStarted = started.problem().get();
            }
            if (usesLimit && optionUnknown) {
                feedback.hint("this check needs the --max-clients option, and the server does not know it yet. "
                        + "Do task 1 first" + target.markers(1).stream().findFirst().map(m -> " (" + m.location() + ")").orElse("")
                        + "; this check will tell you more once the option exists.");
            } else if (started.problem().get().contains("not listening after")) {
                feedback.hint("the server must print 'listening on HOST:PORT' (or at least listen) once it is ready; "
                        + "is main blocked before the loop starts?");
            }
            throw feedback.error();
        } finally {
            server.close();
        }
    }

    public String describeStart(String... args) {
        return "the server with --port 0" + (args.length == 0 ? "" : " " + String.join(" ", args));
    }

    public Feedback feedback(int task, RunningServer server) {
        return Feedback.forTask(task).target(target).server(server);
    }
}
