package dev.echokit.grader.cli;

import dev.echokit.grader.process.ClassShare;
import dev.echokit.grader.process.Platform;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Builds the graded servers' class-data archive ahead of the first grading (see {@link ClassShare}):
 * Gradescope's {@code setup.sh} runs it once when it builds the image, so that no learner's
 * grading pays for it. A grading builds it anyway when it is missing; this only moves the cost.
 * Exits 0 when the archive is ready, 1 when servers will start without it (and says why).
 */
@Command(name = "cds", mixinStandardHelpOptions = true,
        description = "Builds the class-data archive graded servers start with (once per JDK and grader version), and says where it is.")
final class CdsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Optional<ClassShare.Archive> archive = ClassShare.forServers(Platform.detect());
        if (archive.isEmpty()) {
            System.out.println("grader cds: " + ClassShare.note());
            return 1;
        }
        System.out.println("grader cds: graded servers start with " + archive.get().jsa() + " (picocli from " + archive.get().jar() + ")");
        return 0;
    }
}
