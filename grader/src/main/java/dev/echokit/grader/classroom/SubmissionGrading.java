package dev.echokit.grader.classroom;

import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.process.GradingNetwork;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Outcome;
import dev.echokit.grader.report.Reports;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Grades one learner's submission into its own results folder: its row, verdict, feedback and proof log. */
public final class SubmissionGrading {

    private SubmissionGrading() {
    }

    /** The hidden command a class's grader starts, once per submission, in a network of the submission's own. */
    public static final String CHILD_COMMAND = "grade-submission";

    /** How long one submission's child grader may take before it is stopped: far past any grading's own bounds. */
    static final long CHILD_LIMIT_SECONDS = 20 * 60;

    /**
     * Grades one submission; a failure of the grader itself becomes its row and its feedback, never a
     * stack trace. Where the platform gives each grading a network of its own, the grading runs in a
     * child grader there, which writes the same folder; the row is then read back from it.
     */
    static Graded gradeSafely(Path entry, Path kitRoot, Path resultDir, Platform platform) {
        if (platform.gradesInOwnNetwork()) {
            return gradeInOwnNetwork(entry, kitRoot, resultDir, platform);
        }
        return gradeHere(entry, kitRoot, resultDir, platform);
    }

    /** Grades one submission in this process (the child's part, or where no network of its own can be had). */
    public static Graded gradeHere(Path entry, Path kitRoot, Path resultDir, Platform platform) {
        String name = Submissions.nameOf(entry);
        try {
            return gradeOne(entry, kitRoot, resultDir, platform);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            Row row = Row.notGraded(name, NotGraded.graderError(GraderError.describe(e)));
            try {
                ClassResults.storeNotGraded(row, resultDir);
            } catch (IOException | RuntimeException again) {
                // The results folder itself cannot be written: the row is still returned and printed.
            }
            return new Graded(row, null);
        }
    }

    private static Graded gradeInOwnNetwork(Path entry, Path kitRoot, Path resultDir, Platform platform) {
        String name = Submissions.nameOf(entry);
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        PrintStream child = new PrintStream(said, true, StandardCharsets.UTF_8);
        String why;
        try {
            Files.createDirectories(resultDir);
            Files.deleteIfExists(resultDir.resolve("row.json")); // an earlier grading's row is not this one's
            Optional<Integer> exit = GradingNetwork.start(platform.network(), List.of(CHILD_COMMAND, entry.toString(), "--result-dir", resultDir.toString(),
                    "--kit", kitRoot.toString(), "--containment", platform.containment().name()), child, child).await(CHILD_LIMIT_SECONDS);
            Path row = resultDir.resolve("row.json");
            if (exit.isPresent() && exit.get() == 0 && Files.isRegularFile(row)) {
                return new Graded(JsonReport.mapper().readValue(row.toFile(), Row.class), null);
            }
            String output = said.toString(StandardCharsets.UTF_8).strip();
            why = (exit.isEmpty() ? "its grading ran for " + CHILD_LIMIT_SECONDS / 60 + " min and was stopped"
                    : "the grader's child process ended with exit code " + exit.get() + " and wrote no row")
                    + (output.isEmpty() ? "" : ": " + output.lines().reduce((a, b) -> b).orElse(""));
        } catch (IOException | RuntimeException e) {
            why = GraderError.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "the class's grading was interrupted";
        }
        Row row = Row.notGraded(name, NotGraded.graderError(why));
        try {
            ClassResults.storeNotGraded(row, resultDir);
        } catch (IOException | RuntimeException again) {
            // The results folder itself cannot be written: the row is still returned and printed.
        }
        return new Graded(row, null);
    }

    static Graded gradeOne(Path entry, Path kitRoot, Path resultDir, Platform platform) throws IOException {
        String name = Submissions.nameOf(entry);
        Path work = resultDir.resolve("work");
        Intake.Found found = Intake.find(entry, work);
        if (!found.graded()) {
            Row row = Row.notGraded(name, found.notGraded());
            ClassResults.storeNotGraded(row, resultDir);
            return new Graded(row, null);
        }
        Verdict verdict = Grader.grade(Grader.Request.of(found.sources().toString(), kitRoot, work).on(platform))
                .withNotesBefore(found.notes()).named(name);
        Optional<CheckResult> setup = verdict.checks().stream().filter(CheckResult::isSetupFailure).findFirst();
        Row row = Row.of(name, found.sources().toString(), verdict,
                setup.filter(c -> c.setup() == CheckResult.Setup.NO_SOURCES).map(c -> NotGraded.because(c.message())).orElse(null),
                CodeHash.of(found.sources(), found.files()));
        ClassResults.store(row, resultDir);
        Path proof = Grader.proofFile(work);
        Reports.write(Reports.classroomSubmission(), new Outcome(verdict, Files.exists(proof) ? Optional.of(proof) : Optional.empty(), 0),
                resultDir);
        return new Graded(row, verdict);
    }
}
