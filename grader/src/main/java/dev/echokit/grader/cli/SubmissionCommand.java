package dev.echokit.grader.cli;

import dev.echokit.grader.classroom.SubmissionGrading;
import dev.echokit.grader.process.Containment;
import dev.echokit.grader.process.Platform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Not for people: what a class's grader starts once per submission, in a network of that
 * submission's own, to grade it into its results folder exactly as the class would in-process.
 */
@Command(name = SubmissionGrading.CHILD_COMMAND, hidden = true,
        description = "Grades one submission of a class into its results folder (started by 'grader classroom').")
final class SubmissionCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SUBMISSION")
    private Path entry;

    @Option(names = "--result-dir", required = true, paramLabel = "DIR")
    private Path resultDir;

    @Option(names = "--containment", required = true, paramLabel = "HOW")
    private Containment containment;

    @Mixin
    private KitOptions kit;

    @Override
    public Integer call() {
        Platform here = Platform.detect().containing(containment);
        SubmissionGrading.gradeHere(entry, kit.kitRoot(), resultDir, here);
        return 0;
    }
}
