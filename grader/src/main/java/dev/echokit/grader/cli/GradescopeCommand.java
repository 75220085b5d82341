package dev.echokit.grader.cli;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.classroom.ClassResults;
import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.process.ClassShare;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.ConsoleReport;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Outcome;
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
 * Gradescope's side of the grader: grades the uploaded submission and writes
 * {@code results/results.json} in Gradescope's format. The bundle's {@code run_autograder} calls it.
 * It always writes a result, also when there is nothing to grade or the grader itself fails, and exits 0 so
 * Gradescope shows it.
 */
@Command(name = "gradescope", mixinStandardHelpOptions = true,
        description = "Grades a Gradescope submission and writes Gradescope's results.json.")
final class GradescopeCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "${env:AUTOGRADER_ROOT:-/autograder}",
            description = "Gradescope's folder: the submission is read from DIR/submission, results go to DIR/results."
                    + " Default: $AUTOGRADER_ROOT, else ${DEFAULT-VALUE}.")
    private Path root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        Path results = root.resolve("results").resolve("results.json");
        Platform here = Platform.detect();
        if (here.gradesInOwnNetwork()) {
            // The same grading in a child grader in a network of its own: the servers reach nothing of Gradescope's machine.
            return GraderCommand.inOwnNetwork(here, spec.commandLine().getParseResult().originalArgs(), results,
                    error -> GradescopeResults.notGraded(error.forLearner(), seconds(start)));
        }
        try {
            // Closed before any server starts, so that no server can leave anything in it.
            Files.createDirectories(results.getParent());
            ClassResults.closeToServers(results.getParent());
            grade(start, results.getParent());
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // The grader's own failure: the learner still gets a score of 0 and words to act on.
            NotGraded error = NotGraded.graderError(GraderError.describe(e));
            write(results, GradescopeResults.notGraded(error.forLearner(), seconds(start)));
            System.out.println(error.words());
        }
        return 0;
    }

    private void grade(long start, Path outDir) throws IOException {
        Path submission = root.resolve("submission").toAbsolutePath().normalize();
        Path workDir = root.resolve("grader-work").toAbsolutePath();
        // For the instructor (Gradescope shows this output to staff only): how the servers were held.
        System.out.println("EchoKit grader — " + Platform.detect().describeContainment());
        ClassShare.forServers(Platform.detect());
        System.out.println("EchoKit grader — " + (ClassShare.note().isEmpty() ? "servers start with a class-data archive of the JDK and picocli"
                : ClassShare.note()));
        Intake.Found found = Files.isDirectory(submission) ? Intake.find(submission, workDir.resolve("intake"))
                : Intake.Found.not("there is no submission folder");
        if (!found.graded()) {
            System.out.println(found.notGraded().words());
            write(outDir.resolve("results.json"), GradescopeResults.notGraded("Total: 0/" + ConnectionLimits.LESSON.maxXp() + "\n\n" + found.notGraded().forLearner() + "\n\nWhat to upload: your copy"
                    + " of the kit, its lesson-starter folder, or its src/main/java folder; as files, or as one .zip.", seconds(start)));
            return;
        }
        Verdict verdict = Grader.grade(Grader.Request.of(found.sources().toString(), submission, workDir)).withNotesBefore(found.notes());
        Path proof = Grader.proofFile(workDir);
        Outcome outcome = new Outcome(verdict, Files.exists(proof) ? Optional.of(proof) : Optional.empty(), seconds(start));
        Reports.write(Reports.gradescope(new ConsoleReport(System.out, Optional.empty(), Optional.of(outDir.resolve("results.json")))),
                outcome, outDir);
    }

    /**
     * Into a folder no server may write, by an atomic rename ({@link JsonReport#write}): Gradescope
     * never reads half a results.json, and nothing rewrites it after the grader is done.
     */
    private static void write(Path results, GradescopeResults value) {
        JsonReport.write(results, value);
    }

    private static long seconds(long start) {
        return (System.nanoTime() - start) / 1_000_000_000;
    }
}
