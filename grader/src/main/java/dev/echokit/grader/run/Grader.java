package dev.echokit.grader.run;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.checks.Grading;
import dev.echokit.grader.checks.LessonOrder;
import dev.echokit.grader.checks.Proof;
import dev.echokit.grader.checks.ProofPlace;
import dev.echokit.grader.compile.Compilation;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.Patience;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.process.RunningServer;
import dev.echokit.grader.process.ServerFiles;
import dev.echokit.grader.process.Target;
import dev.echokit.grader.process.Timeline;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.ResultCollector;
import dev.echokit.grader.report.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Grades one target: compiles it, runs the checks through the JUnit Platform Launcher, and
 * returns the {@link Verdict}. The command line, the Maven test phase, the classroom and the
 * self-test all grade through here, so they see the same checks and the same verdicts.
 */
public final class Grader {

    /**
     * Checks that run at once in one grading. They mostly wait on sockets; what they share is the
     * cores their servers start on. Overridable with -Dechokit.parallelChecks, for measuring: 8 was
     * tried and measured beside 4 (grader/bench/RESULTS.md); once the longest checks ended at events
     * rather than stretched windows, 8 cost more CPU (6.7 s against 6.3) and no wall time.
     */
    static final int PARALLEL_CHECKS = Integer.getInteger("echokit.parallelChecks", 4);

    private Grader() {
    }

    /**
     * What to grade and how.
     *
     * @param target  a module name in the kit or a folder (holding {@code src/main/java}, or being it); ignored with a command
     * @param command a shell command that starts the server, or null
     * @param groups  tags to run ({@code task:3}, {@code stretch}, ...); empty for the default run
     * @param stretch include the stretch checks in a default run
     * @param only    check classes or {@code Class#method} names to run instead of all (the self-test's use)
     * @param platform what the machine offers beyond the JDK (detected, or portable)
     * @param lesson  the lesson whose parts are graded: {@link ConnectionLimits#LESSON} unless a test brings its own
     * @param proof   where this run's proof log goes: the work folder's own unless the caller says otherwise
     */
    public record Request(String target, String command, Path kitRoot, Path workDir, List<String> groups,
                          boolean stretch, List<String> only, Platform platform, Lesson lesson, ProofPlace proof) {

        public static Request of(String target, Path kitRoot, Path workDir) {
            return new Request(target, null, kitRoot, workDir, List.of(), false, List.of(), Platform.detect(), ConnectionLimits.LESSON,
                    ProofPlace.OWN);
        }

        public Request proofIn(ProofPlace place) {
            return new Request(target, command, kitRoot, workDir, groups, stretch, only, platform, lesson, place);
        }

        public Request lesson(Lesson graded) {
            return new Request(target, command, kitRoot, workDir, groups, stretch, only, platform, graded, proof);
        }

        public Request command(String shellCommand) {
            return new Request(target, shellCommand, kitRoot, workDir, groups, stretch, only, platform, lesson, proof);
        }

        public Request groups(List<String> tags) {
            return new Request(target, command, kitRoot, workDir, List.copyOf(tags), stretch, only, platform, lesson, proof);
        }

        public Request withStretch(boolean on) {
            return new Request(target, command, kitRoot, workDir, groups, on, only, platform, lesson, proof);
        }

        public Request only(List<String> checks) {
            return new Request(target, command, kitRoot, workDir, groups, stretch, List.copyOf(checks), platform, lesson, proof);
        }

        public Request on(Platform where) {
            return new Request(target, command, kitRoot, workDir, groups, stretch, only, where, lesson, proof);
        }
    }

    /** The lesson's proof log: there only when the last run that checked a task made one that holds (see {@link Proof}). */
    public static Path proofFile(Path workDir) {
        return Proof.file(workDir);
    }

    /** The proof log a run that writes to {@code place} leaves, if it wrote one that holds. */
    public static Optional<Path> proofFile(Path workDir, ProofPlace place) {
        return Proof.file(workDir, place).filter(Files::exists);
    }

    public static Verdict grade(Request request) throws IOException {
        Files.createDirectories(request.workDir());
        // The proof check (Proof.CHECK) writes a candidate proof; once the run is over, Proof.settle decides whether it
        // replaces the last one (a run that checks no task leaves that alone).
        Proof.prepare(request.workDir());
        // The servers' own folder: outside the kit and the results, holding what they may read and the
        // only places they may write, and gone when the grading ends.
        ServerFiles files = ServerFiles.create();
        // The target is compiled while JUnit finds the checks: neither needs the other until the checks run,
        // and each takes about half a second of a short grading (the timeline, -Dechokit.timeline, shows both).
        FutureTask<Target> resolving = new FutureTask<>(() -> Target.resolve(request.command(), request.target(), request.kitRoot(),
                request.workDir(), request.platform(), files));
        new Thread(resolving, "grader-compile").start();
        ResultCollector collector = new ResultCollector(request.lesson());
        boolean compiled = false; // once the target is in hand, the finally below closes its folder
        // The run reaches its checks through this session's store (Grading.of), and goes with it.
        try (LauncherSession session = LauncherFactory.openSession(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(collector)
                .build())) {
            long discovering = System.nanoTime();
            TestPlan plan;
            try {
                plan = session.getLauncher().discover(plan(request));
            } finally {
                Timeline.waited(discovering, "found the checks");
            }
            Target target = resolved(resolving);
            compiled = true;
            Grading grading = null;
            try {
                grading = new Grading(target, request.workDir(), request.lesson());
                if (target.compilation().filter(Compilation::succeeded).isPresent() && readsClasses(request)) {
                    grading.readClassesAhead();
                }
                session.getStore().put(Namespace.create(Grading.STORE), Grading.class, grading);
                session.getLauncher().execute(plan);
                List<CheckResult> results = new ArrayList<>(collector.results());
                target.compilation().filter(c -> !c.succeeded()).ifPresent(c -> results.add(0, compileFailure(request.lesson(), c, target)));
                Verdict verdict = new Verdict(target.name(), target.describe(), results, target.notes(), request.lesson());
                // The proof's first line says what was graded and what it scored, so a pasted proof tells its own grading.
                Proof.settle(request.workDir(), request.proof(), verdict.xpGraded(), target.provenance() + ", scored " + verdict.score() + "/" + verdict.maxScore());
                return verdict;
            } finally {
                if (grading != null) {
                    grading.close();
                }
                RunningServer.killSurvivors(files.root(), target);
                if (RunningServer.STATS) { // for the bench: what a grading cost, beside its verdict
                    System.err.println("echokit: " + files.starts() + " server starts");
                    System.err.println("echokit: server processes " + RunningServer.seen().stream().sorted().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(" ")));
                }
                files.close();
            }
        } catch (IOException | RuntimeException | Error e) {
            if (!compiled) {
                try {
                    resolving.get(); // the compile finishes before its folder goes
                } catch (ExecutionException | InterruptedException ignored) {
                    // what it threw, if anything, is beside the point: e is what stopped the grading
                }
                files.close();
            }
            throw e;
        }
    }

    /** The compiled target, or what Target.resolve threw instead. */
    private static Target resolved(FutureTask<Target> resolving) throws IOException {
        try {
            return resolving.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the target compiled", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) e.getCause();
        }
    }

    /**
     * Whether this run's checks include the lesson's rules, which read the compiled classes: a
     * default run does, and one whose groups name a tag their class or one of its checks carries.
     */
    private static boolean readsClasses(Request request) {
        if (!request.only().isEmpty()) {
            return false;
        }
        if (request.groups().isEmpty()) {
            return true;
        }
        return request.lesson().parts().stream().filter(p -> p.kind() == Part.Kind.RULES).map(Part::checkClass).flatMap(Optional::stream)
                .flatMap(c -> java.util.stream.Stream.concat(java.util.stream.Stream.of(c), java.util.Arrays.stream(c.getDeclaredMethods())))
                .flatMap(e -> java.util.Arrays.stream(e.getAnnotationsByType(org.junit.jupiter.api.Tag.class)))
                .anyMatch(tag -> request.groups().contains(tag.value()));
    }

    /** The checks this request runs, and how: the same for every grading. */
    private static LauncherDiscoveryRequest plan(Request request) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        if (request.only().isEmpty()) {
            request.lesson().checkClasses().forEach(c -> selectors.add(selectClass(c)));
        } else {
            for (String s : request.only()) {
                String className = Grading.class.getPackageName() + "." + s.split("#")[0];
                selectors.add(s.contains("#")
                        ? selectMethod(className + "#" + s.split("#")[1] + "(" + Grading.class.getName() + ")")
                        : selectClass(className));
            }
        }
        LauncherDiscoveryRequestBuilder discovery = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameters(Map.of(
                        LessonOrder.ORDER, request.lesson().checkClasses().stream().map(Class::getName)
                                .collect(java.util.stream.Collectors.joining(",")),
                        // Every check bounds its own waits; this is the last resort for one that does not. The
                        // waits stretch with the machine's load (Patience), and so does this.
                        "junit.jupiter.execution.timeout.default", Math.round(60 * Patience.MAX_FACTOR) + " s",
                        "junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD",
                        "junit.jupiter.testclass.order.default", LessonOrder.class.getName(),
                        // Each check has its own server and port, so check classes run side by side, and the
                        // checks of the task classes (marked CONCURRENT) too; the echo checks share one
                        // server and run in order, as do the stretch measurements.
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "same_thread",
                        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        // The executor every measurement of this grader was made with; said out loud, JUnit 6
                        // also stops suggesting the newer one on standard error at every grading.
                        "junit.jupiter.execution.parallel.config.executor-service", "FORK_JOIN_POOL",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", Integer.toString(PARALLEL_CHECKS)));
        if (!request.groups().isEmpty()) {
            discovery.filters(TagFilter.includeTags(request.groups()), askedParts(request));
        } else if (!request.stretch() && request.only().isEmpty()) {
            discovery.filters(TagFilter.excludeTags("stretch"));
        }
        return discovery.build();
    }

    /**
     * A check runs for the part it counts for: the picocli check, a task 1 check among the
     * architecture rules, carries both tags, and {@code --groups architecture} once ran it and
     * gave task 1 its 10 XP from one check of four. A tag that names no part filters as JUnit's do.
     */
    private static org.junit.platform.launcher.PostDiscoveryFilter askedParts(Request request) {
        Lesson lesson = request.lesson();
        return descriptor -> {
            if (!descriptor.isTest()) {
                return org.junit.platform.engine.FilterResult.included("a container");
            }
            List<String> tags = descriptor.getTags().stream().map(org.junit.platform.engine.TestTag::getName).toList();
            Part part = lesson.partOf(tags);
            boolean asked = request.groups().contains(part.tag()) || request.groups().stream()
                    .anyMatch(g -> tags.contains(g) && lesson.parts().stream().noneMatch(p -> p.tag().equals(g)));
            return asked ? org.junit.platform.engine.FilterResult.included("counts for " + part.tag())
                    : org.junit.platform.engine.FilterResult.excluded("counts for " + part.tag() + ", which this run did not ask for");
        };
    }

    /** A compile error is its own failure, the only one: nothing else can run. */
    private static CheckResult compileFailure(Lesson lesson, Compilation compilation, dev.echokit.grader.process.Target target) {
        StringBuilder m = new StringBuilder();
        if (!compilation.hadSources()) {
            return CheckResult.setupFailure(lesson.first(Part.Kind.PREVIOUS_LESSON), "the server's sources", CheckResult.Setup.NO_SOURCES, compilation.errors().get(0));
        }
        if (compilation.errors().isEmpty()) {
            m.append("the server compiles, but no class has a 'public static void main(String[] args)' to start it");
        } else {
            int count = compilation.errors().size();
            m.append("the server does not compile (").append(count).append(count == 1 ? " error" : " errors")
                    .append("); nothing else can be checked until it does:\n");
            compilation.errors().stream().limit(10).forEach(e -> m.append("  ").append(target.placed(e)).append('\n'));
            if (count > 10) {
                m.append("  ... and ").append(count - 10).append(" more\n");
            }
        }
        return CheckResult.setupFailure(lesson.first(Part.Kind.PREVIOUS_LESSON), "the server compiles", CheckResult.Setup.DOES_NOT_BUILD, m.toString().stripTrailing());
    }
}
