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

    /** Every grader.* property the kit reads: the README's, and those the build itself sets. */
    static final List<String> KNOWN = List.of("grader.target", "grader.command", "grader.classroom", "grader.parallel", "grader.platform",
            "grader.groups", "grader.kitRoot", "grader.workDir", "grader.jvmFlags", "grader.jvm.flags", "grader.updateGolden");

    @Test
    @DisplayName("grade")
    void grade() {
        unknownProperty(System.getProperties().stringPropertyNames()).ifPresent(line -> {
            // A misspelled property once graded the starter instead of the target asked for, and wrote its proof.
            AssertionError stop = new AssertionError(line);
            stop.setStackTrace(new StackTraceElement[0]);
            throw stop;
        });
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
    /** One line for a property Maven was given that means nothing to the grader, with the one it resembles. */
    static java.util.Optional<String> unknownProperty(java.util.Set<String> given) {
        if (given.contains("group")) {
            return java.util.Optional.of("unknown property -Dgroup: did you mean -Dgroups? (nothing was graded)");
        }
        return given.stream().filter(name -> name.startsWith("grader.") && !KNOWN.contains(name)).sorted().findFirst()
                .map(name -> "unknown property -D" + name + ": did you mean -D" + KNOWN.stream()
                        .min(java.util.Comparator.comparingInt(known -> distance(known, name))).orElseThrow() + "? (nothing was graded)");
    }

    /** Levenshtein distance: the known name a misspelling is closest to. */
    private static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }
}
