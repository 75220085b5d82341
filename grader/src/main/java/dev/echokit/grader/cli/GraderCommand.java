package dev.echokit.grader.cli;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.checks.Proof;
import dev.echokit.grader.checks.ProofPlace;
import dev.echokit.grader.classroom.Classroom;
import dev.echokit.grader.classroom.Graded;
import dev.echokit.grader.classroom.Gradebook;
import dev.echokit.grader.classroom.Roster;
import dev.echokit.grader.classroom.Row;
import dev.echokit.grader.classroom.Submissions;
import dev.echokit.grader.classroom.TableText;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.process.Containment;
import dev.echokit.grader.process.GradingNetwork;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.ConsoleReport;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Outcome;
import dev.echokit.grader.report.Reports;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The grader as a program: grades one server (the learner's starter by default) and prints each
 * failure once, then the summary; or, with {@code classroom}, grades a folder of submissions.
 * Exits 0 when every check that ran passed, 1 when one did not, 2 on bad usage.
 */
@Command(
        name = "grader",
        mixinStandardHelpOptions = true,
        version = "EchoKit grader 1.0 (lesson w02-l12)",
        description = "Grades an echo server against the lesson \"Connection limits — refuse when full\".",
        subcommands = {GraderCommand.ClassroomCommand.class, GradescopeCommand.class, PrairieLearnCommand.class, CompareCommand.class,
                CdsCommand.class, LessonCommand.class, SubmissionCommand.class},
        sortOptions = false)
public final class GraderCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--target", paramLabel = "PATH",
            description = "What to grade: a module of the kit, a copy of the kit (its lesson-starter), a folder holding"
                    + " src/main/java, or that folder itself. Default: lesson-starter.")
    private String target;

    @Option(names = "--command", paramLabel = "CMD",
            description = "Grade a program in any language instead: started with CMD --port P --max-clients N.")
    private String command;

    @Option(names = "--groups", split = ",", paramLabel = "TAG", completionCandidates = PartTags.class,
            description = "Run only these parts: ${COMPLETION-CANDIDATES}.")
    private List<String> groups = new ArrayList<>();

    @Option(names = "--stretch", description = "Also run the stretch checks (they earn no XP).")
    private boolean stretch;

    @Mixin
    private KitOptions kit;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to write grader-report.json and proof/server.log. Default: grader/target in the kit.")
    private Path out;

    @Override
    public Integer call() throws Exception {
        Path kitRoot = kit.kitRoot();
        Path workDir = out != null ? out.toAbsolutePath() : kitRoot.resolve("grader/target");
        for (String group : groups) {
            if (ConnectionLimits.LESSON.part(group).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + group + "' for option '--groups': must be one of "
                        + String.join(", ", ConnectionLimits.LESSON.parts().stream().map(Part::tag).toList()) + ".");
            }
        }
        Platform where = kit.platform();
        if (where.gradesInOwnNetwork()) {
            // The same grading, in a child grader in a network of its own: its servers reach nothing but it.
            return inOwnNetwork(where, spec.commandLine().getParseResult().originalArgs());
        }
        ProofPlace place = proofPlace(kitRoot);
        Verdict verdict = Grader.grade(Grader.Request.of(target, kitRoot, workDir).command(command)
                .groups(groups).withStretch(stretch).on(where).proofIn(place));
        Outcome outcome = new Outcome(verdict, Grader.proofFile(workDir, place), 0);
        System.out.println();
        System.out.println("EchoKit grader — " + verdict.header());
        if (where.containment() != Containment.BUBBLEWRAP && command == null) {
            System.out.println("  (" + where.describeContainment() + ")");
        }
        ConsoleReport console = new ConsoleReport(System.out, Proof.note(workDir, place, verdict.xpGraded(),
                        verdict.score() < verdict.maxScore() ? Optional.of(verdict.score() + "/" + verdict.maxScore()) : Optional.empty(),
                        p -> shown(p, kitRoot)),
                Optional.of(shown(workDir.resolve("grader-report.json"), kitRoot)));
        Reports.write(Reports.command(console), outcome, workDir);
        return verdict.passed() ? 0 : 1;
    }

    /** How long a child grader may take for one grading before it is stopped: far past any grading's own bounds. */
    static final long CHILD_LIMIT_SECONDS = 20 * 60;

    /** Runs this very command in a child grader in a network of its own, its output ours, and returns its exit code. */
    static int inOwnNetwork(Platform where, List<String> args) throws Exception {
        Optional<Integer> exit = GradingNetwork.start(where.network(), args, System.out, System.err).await(CHILD_LIMIT_SECONDS);
        if (exit.isEmpty()) {
            System.out.println("grader: the grading ran for " + CHILD_LIMIT_SECONDS / 60 + " min and was stopped");
        }
        return exit.orElse(1);
    }

    /**
     * An entry point's grading (Gradescope, PrairieLearn) in a child grader in a network of its own: the
     * child writes {@code results}; when it leaves none (stopped, or dead), the learner still gets one,
     * written by {@code notGraded}, that says why. Always 0, as those platforms want.
     */
    static int inOwnNetwork(Platform where, List<String> args, Path results, java.util.function.Function<NotGraded, Object> notGraded) {
        try {
            Files.deleteIfExists(results);
            Optional<Integer> exit = GradingNetwork.start(where.network(), args, System.out, System.err).await(CHILD_LIMIT_SECONDS);
            if (!Files.isRegularFile(results)) {
                NotGraded error = NotGraded.graderError(exit.isEmpty() ? "the grading ran for " + CHILD_LIMIT_SECONDS / 60 + " min and was stopped"
                        : "the grader's child process ended with exit code " + exit.get() + " and wrote no results");
                Files.createDirectories(results.getParent());
                JsonReport.write(results, notGraded.apply(error));
                System.out.println(error.words());
            }
        } catch (Exception e) {
            NotGraded error = NotGraded.graderError(GraderError.describe(e));
            JsonReport.write(results, notGraded.apply(error));
            System.out.println(error.words());
        }
        return 0;
    }

    /**
     * Where this run's proof goes. The learner pastes the one a full grading of their own work (the
     * kit's lesson-starter, the default) writes; grading another target writes its proof beside
     * theirs, and grading some parts only writes none, so neither replaces nor deletes it.
     */
    private ProofPlace proofPlace(Path kitRoot) {
        if (!groups.isEmpty()) {
            return new ProofPlace.None(String.join(", ", groups));
        }
        if (command != null && !command.isBlank()) {
            return new ProofPlace.Beside("command");
        }
        if (target == null || target.isBlank()) {
            return ProofPlace.OWN;
        }
        Path starter = kitRoot.resolve("lesson-starter").toAbsolutePath().normalize();
        Path asGiven = Path.of(target);
        Path graded = (asGiven.isAbsolute() || !Files.exists(kitRoot.resolve(target)) ? asGiven : kitRoot.resolve(target))
                .toAbsolutePath().normalize();
        // Named for the folder the learner named: a copy's own name, not the java of its src/main/java.
        Path named = graded.endsWith(Path.of("src", "main", "java")) && graded.getNameCount() > 3 ? graded.getParent().getParent().getParent()
                : graded.endsWith("src") && graded.getNameCount() > 1 ? graded.getParent() : graded;
        return named.equals(starter) ? ProofPlace.OWN : new ProofPlace.Beside(String.valueOf(named.getFileName()));
    }

    /** Grades a class: every folder or zip in DIR is one learner's submission. */
    @Command(name = "classroom", mixinStandardHelpOptions = true,
            description = "Grades every submission (a folder, or a .zip, .tar, .tar.gz or .tgz) in DIR and writes results.csv, results.md and,"
                    + " per learner, feedback.md and grader-report.json.")
    static final class ClassroomCommand implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "A folder with one folder or zip per learner.")
        private Path submissions;

        @Option(names = "--out", paramLabel = "DIR", description = "Where the results go. Default: a folder 'results' beside DIR.")
        private Path out;

        @Option(names = "--roster", paramLabel = "FILE",
                description = "A CSV of folder,id,name,email (first line: the column names) to add learners' ids, names and emails."
                        + " Remembered in the results folder, so later runs (--only) keep it.")
        private Path roster;

        @Option(names = "--only", split = ",", paramLabel = "NAME",
                description = "Regrade only these submissions into an existing results folder; the others' rows stay."
                        + " A name that matches no submission is an error.")
        private Set<String> only = new LinkedHashSet<>();

        @Option(names = "--parallel", defaultValue = "2", paramLabel = "N",
                description = "Submissions graded at once. Default: ${DEFAULT-VALUE}.")
        private int parallel;

        @Option(names = "--gradebook", paramLabel = "FILE",
                description = "A gradebook exported from Canvas or Moodle (CSV). A copy with this lesson's column filled from the results"
                        + " goes into the results folder (gradebook-canvas.csv or gradebook-moodle.csv), with gradebook-unmatched.txt"
                        + " listing whoever matched nothing; FILE itself is never changed. Learners are matched through the roster.")
        private Path gradebook;

        @Option(names = "--gradebook-column", paramLabel = "NAME",
                description = "The gradebook's column for this lesson, by its exact heading. Default: the one column whose heading holds"
                        + " the lesson's title or id.")
        private String gradebookColumn;

        @Mixin
        private KitOptions kit;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(submissions)) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + submissions + "' for parameter 'DIR': not a folder.");
            }
            if (parallel < 1) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + parallel + "' for option '--parallel': must be at least 1.");
            }
            if (roster != null && !Files.isRegularFile(roster)) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + roster + "' for option '--roster': no such file.");
            }
            if (gradebookColumn != null && gradebook == null) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + gradebookColumn + "' for option '--gradebook-column':"
                        + " it names a column of the gradebook, so it needs --gradebook FILE.");
            }
            Path kitRoot = kit.kitRoot();
            Path classDir = submissions.toAbsolutePath().normalize();
            Path outDir = out != null ? out.toAbsolutePath() : classDir.resolveSibling("results");
            List<String> names = Submissions.in(classDir).stream().map(Submissions::nameOf).toList();
            for (String name : only) {
                if (!names.contains(name)) {
                    List<String> nearest = Submissions.nearest(name, names);
                    throw new ParameterException(spec.commandLine(), "Invalid value '" + name + "' for option '--only': no submission in "
                            + classDir + " is called that" + (!nearest.isEmpty() ? "; the nearest: " + String.join(", ", nearest) + "."
                            : names.size() <= 20 ? "; the submissions: " + String.join(", ", names) + "." : "."));
                }
            }
            Optional<Gradebook> book = gradebook(outDir);
            Platform where = kit.platform();
            System.out.println("EchoKit classroom — " + classDir + " → " + shown(outDir, kitRoot) + "; " + where.describeContainment());
            Optional<Path> classRoster = Roster.remember(Optional.ofNullable(roster), outDir);
            if (roster == null && classRoster.isPresent()) {
                System.out.println("  roster: the one remembered in " + shown(classRoster.get(), kitRoot) + " (--roster FILE replaces it)");
            }
            List<String> ignored = Submissions.notSubmissions(classDir);
            if (!ignored.isEmpty()) {
                System.out.println("  not submissions (neither a folder nor an archive), left alone: " + String.join(", ", ignored));
            }
            long start = System.nanoTime();
            List<Graded> graded = Classroom.grade(classDir, kitRoot, outDir, parallel, System.out, where, only);
            List<Row> rows = Classroom.writeTables(outDir, classRoster, where);
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            System.out.println();
            System.out.println("EchoKit classroom — graded " + graded.size() + " of " + rows.size() + " submissions in " + seconds
                    + " s (" + parallel + " at a time)");
            System.out.println(TableText.text(rows));
            System.out.println("  table: " + shown(outDir.resolve("results.md"), kitRoot)
                    + "\n  csv:   " + shown(outDir.resolve("results.csv"), kitRoot)
                    + "\n  each learner's feedback: " + shown(outDir, kitRoot) + "/NAME/feedback.md");
            if (book.isPresent()) {
                Gradebook.Filled filled;
                try {
                    filled = book.get().fill(rows, classRoster.isPresent() ? Roster.read(classRoster.get()) : Map.of(), outDir);
                } catch (Gradebook.Unusable e) {
                    System.out.println("EchoKit gradebook — not filled: " + e.getMessage());
                    return 1;
                }
                System.out.println();
                System.out.println("EchoKit gradebook — " + book.get().kind().word() + "'s \"" + book.get().column() + "\", filled for "
                        + filled.filled() + " learners (" + filled.scale() + "): " + shown(filled.copy(), kitRoot)
                        + (classRoster.isEmpty() ? "\n  (no roster: submissions were matched by their folder names as ids or logins)" : ""));
                System.out.print(filled.text().lines().map(line -> line.isEmpty() ? line : "  " + line)
                        .collect(java.util.stream.Collectors.joining("\n", "", "\n")));
                System.out.println("  the same list: " + shown(outDir.resolve("gradebook-unmatched.txt"), kitRoot));
            }
            return 0;
        }

        /**
         * The gradebook to fill, read before anything is graded: one that cannot be filled is said
         * at once, not after the whole class; and its copy must not land on the export itself.
         */
        private Optional<Gradebook> gradebook(Path outDir) throws java.io.IOException {
            if (gradebook == null) {
                return Optional.empty();
            }
            if (!Files.isRegularFile(gradebook)) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + gradebook + "' for option '--gradebook': no such file.");
            }
            try {
                Gradebook book = Gradebook.read(gradebook, Optional.ofNullable(gradebookColumn), ConnectionLimits.LESSON);
                book.checkCopyIn(outDir);
                return Optional.of(book);
            } catch (Gradebook.Unusable e) {
                throw new ParameterException(spec.commandLine(), "Invalid value '" + gradebook + "' for option '--gradebook': " + e.getMessage() + ".");
            }
        }
    }

    /** A path as the learner would type it from the kit's root folder. */
    static Path shown(Path path, Path kitRoot) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(kitRoot) ? kitRoot.relativize(absolute) : absolute;
    }

    public static void main(String[] args) {
        // ArchUnit logs through SLF4J; with no provider on the classpath it would print three warnings.
        System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
        System.exit(commandLine().execute(args));
    }

    /** The parser with the kit's error style: one line naming the bad option, then where to get help. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GraderCommand());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine bad = ex.getCommandLine();
            // picocli knows the options a misspelling resembles (--group for --groups): say the first in the same line.
            String like = ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()
                    ? " (did you mean " + unmatched.getSuggestions().get(0) + "?)" : "";
            bad.getErr().println("grader: " + ex.getMessage() + like);
            bad.getErr().println("Try '" + bad.getCommandSpec().qualifiedName() + " --help' for the options.");
            return bad.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }

    /** The tags of the lesson's parts, from its definition: what --groups takes. */
    static final class PartTags implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ConnectionLimits.LESSON.parts().stream().map(Part::tag).iterator();
        }
    }
}
