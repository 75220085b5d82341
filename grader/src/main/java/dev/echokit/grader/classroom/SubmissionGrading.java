package dev.echokit.grader.classroom;

import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.Outcome;
import dev.echokit.grader.report.Reports;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Grades one learner's submission into its own results folder: its row, verdict, feedback and proof log. */
final class SubmissionGrading {

    private SubmissionGrading() {
    }

    /** Grades one submission; a failure of the grader itself becomes its row and its feedback, never a stack trace. */
    static Graded gradeSafely(Path entry, Path kitRoot, Path resultDir, Platform platform) {
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
