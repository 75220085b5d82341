package dev.echokit.grader;

import dev.echokit.grader.report.Console;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gradescope's side of the grader: grades the uploaded submission and writes
 * {@code results/results.json} in Gradescope's format. The bundle's {@code run_autograder} calls it.
 * It always writes a result, also when there is nothing to grade, and exits 0 so Gradescope shows it.
 */
@Command(name = "gradescope", mixinStandardHelpOptions = true,
        description = "Grades a Gradescope submission and writes Gradescope's results.json.")
final class GradescopeCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "${env:AUTOGRADER_ROOT:-/autograder}",
            description = "Gradescope's folder: the submission is read from DIR/submission, results go to DIR/results."
                    + " Default: $AUTOGRADER_ROOT, else ${DEFAULT-VALUE}.")
    private Path root;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        Path submission = root.resolve("submission").toAbsolutePath().normalize();
        Path results = root.resolve("results").resolve("results.json");
        Path workDir = root.resolve("grader-work").toAbsolutePath();
        Files.createDirectories(results.getParent());
        Classroom.closeToServers(results.getParent());
        // For the instructor (Gradescope shows this output to staff only): how the servers were held.
        System.out.println("EchoKit grader — " + Platform.detect().describeContainment());
        ClassShare.forServers(Platform.detect());
        System.out.println("EchoKit grader — " + (ClassShare.note().isEmpty() ? "servers start with a class-data archive of the JDK and picocli"
                : ClassShare.note()));
        Intake.Found found = Files.isDirectory(submission) ? Intake.find(submission, workDir.resolve("intake"))
                : new Intake.Found(null, "not graded: there is no submission folder");
        if (!found.graded()) {
            String why = found.notGraded().replaceFirst("^not graded: ", "");
            JsonReport.write(results, GradescopeResults.notGraded("Not graded: " + why + ". Upload the kit's folder, its"
                    + " lesson-starter folder, or a folder holding src/main/java (or a zip of one of them).", seconds(start)));
            System.out.println("not graded: " + why);
            return 0;
        }
        Verdict verdict = Grader.grade(Grader.Request.of(found.sources().toString(), submission, workDir));
        Path proof = Grader.proofFile(workDir);
        StringBuilder output = new StringBuilder(Console.summary(verdict, Optional.empty(), Optional.empty()).strip()
                .replace("the first ✗ block above says", "the failed tests below say"));
        if (Files.exists(proof)) {
            output.append("\n\nYour server's log from the task 5 check (the lesson's proof):\n\n").append(Files.readString(proof));
        }
        JsonReport.write(results, GradescopeResults.of(verdict, output.toString(), seconds(start)));
        System.out.print(Console.render(verdict, Optional.empty(), Optional.of(results)));
        return 0;
    }

    private static long seconds(long start) {
        return (System.nanoTime() - start) / 1_000_000_000;
    }
}
