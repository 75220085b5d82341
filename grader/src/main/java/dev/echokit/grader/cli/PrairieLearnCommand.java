package dev.echokit.grader.cli;

import dev.echokit.grader.classroom.ClassResults;
import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.intake.Tree;
import dev.echokit.grader.process.ClassShare;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.process.ServerUser;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.ConsoleReport;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Outcome;
import dev.echokit.grader.report.PrairieLearnResults;
import dev.echokit.grader.report.Reports;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * PrairieLearn's side of the grader: the question's external-grading entry point. PrairieLearn
 * puts the learner's uploaded files in {@code /grade/student} and reads
 * {@code /grade/results/results.json} when the container ends (its {@code docs/externalGrading.md},
 * "The Grading Process"). It always writes a result, also when there is nothing to grade or the
 * grader itself fails, and exits 0: PrairieLearn counts any other exit as a failed job.
 */
@Command(name = "prairielearn", mixinStandardHelpOptions = true,
        description = "Grades a PrairieLearn submission and writes PrairieLearn's results.json.")
final class PrairieLearnCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "${env:PL_GRADE_ROOT:-/grade}",
            description = "PrairieLearn's folder: the learner's files are read from DIR/student, results go to DIR/results."
                    + " Default: $PL_GRADE_ROOT, else ${DEFAULT-VALUE}.")
    private Path root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        Path results = root.resolve("results").resolve("results.json");
        Platform here = Platform.detect();
        if (here.gradesInOwnNetwork()) {
            // The same grading in a child grader in a network of its own, where the container allows namespaces.
            return GraderCommand.inOwnNetwork(here, spec.commandLine().getParseResult().originalArgs(), results,
                    error -> PrairieLearnResults.notGraded(error.forLearner(), error.forLearner() + "\n"));
        }
        Path workDir = null;
        try {
            // Closed before any server starts, so that no server can leave anything in it.
            Files.createDirectories(results.getParent());
            ClassResults.closeToServers(results.getParent());
            // Outside /grade: PrairieLearn keeps the job's folder after grading, and the grader's copies are not the learner's.
            workDir = Files.createTempDirectory("echokit-prairielearn-");
            grade(results.getParent(), workDir);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // The grader's own failure: not gradable, so it costs the learner neither points nor an attempt.
            NotGraded error = NotGraded.graderError(GraderError.describe(e));
            System.out.println(error.words());
            try {
                JsonReport.write(results, PrairieLearnResults.notGraded(error.forLearner(), error.forLearner() + "\n"));
            } catch (RuntimeException unwritable) {
                // Nowhere to write even that: the entry point's script writes its own result instead.
                System.out.println("EchoKit grader — could not write " + results + ": " + unwritable.getMessage());
            }
        } finally {
            if (workDir != null) {
                Tree.delete(workDir);
            }
            reopen(results.getParent());
        }
        return 0;
    }

    private void grade(Path outDir, Path workDir) throws IOException {
        Path student = root.resolve("student").toAbsolutePath().normalize();
        // For the course staff (PrairieLearn keeps this output in the grading job's log): how the servers were held.
        System.out.println("EchoKit grader — " + Platform.detect().describeContainment());
        ClassShare.forServers(Platform.detect());
        System.out.println("EchoKit grader — " + (ClassShare.note().isEmpty() ? "servers start with a class-data archive of the JDK and picocli"
                : ClassShare.note()));
        Intake.Found found = Files.isDirectory(student) ? Intake.find(student, workDir.resolve("intake"))
                : Intake.Found.not("there is no student folder");
        if (!found.graded()) {
            notGraded(outDir, found.notGraded());
            return;
        }
        Verdict verdict = Grader.grade(Grader.Request.of(found.sources().toString(), student, workDir)).withNotesBefore(found.notes());
        Optional<CheckResult> noSources = verdict.checks().stream().filter(c -> c.setup() == CheckResult.Setup.NO_SOURCES).findFirst();
        if (noSources.isPresent()) {
            notGraded(outDir, NotGraded.because(noSources.get().message()));
            return;
        }
        Path proof = Grader.proofFile(workDir);
        Outcome outcome = new Outcome(verdict, Files.exists(proof) ? Optional.of(proof) : Optional.empty(), 0);
        Reports.write(Reports.prairieLearn(new ConsoleReport(System.out, Optional.empty(), Optional.of(outDir.resolve("results.json")))),
                outcome, outDir);
    }

    /** Nothing to grade: not gradable, with why and what to upload instead, so the learner can submit again at no cost. */
    private static void notGraded(Path outDir, NotGraded why) {
        System.out.println(why.words());
        JsonReport.write(outDir.resolve("results.json"), PrairieLearnResults.notGraded(why.forLearner(), why.forLearner()
                + "\n\nWhat to upload: your server's .java files (those in lesson-starter/src/main/java/dev/echokit/server),"
                + " or one .zip of your lesson-starter folder or of its src/main/java folder.\n"));
    }

    /**
     * Once the grading is over and its servers are gone, the results folder is readable again:
     * PrairieLearn's grader host reads results.json from outside the container, maybe as a user of
     * its own. Nobody but root could ever write in it.
     */
    private static void reopen(Path resultsDir) {
        try {
            if (ServerUser.isRoot() && Files.isDirectory(resultsDir)) {
                Tree.setMode(resultsDir, "rwxr-xr-x");
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("EchoKit grader — could not open " + resultsDir + " for reading again: " + e.getMessage());
        }
    }
}
