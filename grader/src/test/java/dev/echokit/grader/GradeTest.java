package dev.echokit.grader;

import dev.echokit.grader.cli.GraderCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The learner's {@code ./mvnw -q -pl grader test}: runs the grader program with what Maven was
 * given ({@code -Dgrader.target}, {@code -Dgrader.command}, {@code -Dgroups},
 * {@code -Dgrader.classroom}) and fails the build, in one line, when a check did not pass. The
 * grader has already printed each failure and the summary.
 */
@Tag("grading")
@DisplayName("EchoKit grader")
class GradeTest {

    @Test
    @DisplayName("grade")
    void grade() {
        String groups = System.getProperty("grader.groups", "").strip();
        Assumptions.assumeFalse(groups.equals("selftest"), "-Dgroups=selftest runs the grader's self-test instead");
        List<String> args = new ArrayList<>(List.of("--kit", System.getProperty("grader.kitRoot", "..")));
        String classroom = System.getProperty("grader.classroom", "");
        if (!classroom.isBlank()) {
            args.addAll(0, List.of("classroom", classroom, "--parallel", System.getProperty("grader.parallel", "2")));
            run(args);
            return;
        }
        args.addAll(List.of("--out", System.getProperty("grader.workDir", "target")));
        String command = System.getProperty("grader.command", "");
        String target = System.getProperty("grader.target", "");
        if (!command.isBlank()) {
            args.addAll(List.of("--command", command));
        } else if (!target.isBlank()) {
            args.addAll(List.of("--target", target));
        } else if (Boolean.getBoolean("echokit.kit")) {
            // The kit's self-test (-Pkit): the reference solution must pass everything, stretch included.
            args.addAll(List.of("--target", "lesson-solution", "--stretch"));
        }
        if (!groups.isEmpty()) {
            args.addAll(List.of("--groups", groups));
        }
        String platform = System.getProperty("grader.platform", "");
        if (!platform.isBlank()) {
            args.addAll(List.of("--platform", platform));
        }
        run(args);
    }

    private static void run(List<String> args) {
        int exit = GraderCommand.commandLine().execute(args.toArray(String[]::new));
        if (exit != 0) {
            AssertionError failed = new AssertionError(exit == 1
                    ? "not every check passed: the summary above says which, and each ✗ block why"
                    : "the grader could not run with " + String.join(" ", Arrays.asList(args.toArray(String[]::new))));
            failed.setStackTrace(new StackTraceElement[0]);
            throw failed;
        }
    }
}
