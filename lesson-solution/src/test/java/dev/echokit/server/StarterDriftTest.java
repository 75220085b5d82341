package dev.echokit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Keeps lesson-starter and lesson-solution in step: the two may differ only at the starter's
 * {@code TODO(task N)} markers, so that {@code diff -ru lesson-starter/src/main lesson-solution/src/main}
 * shows exactly the lesson's work and nothing else.
 *
 * <p>A check of the kit as shipped, so it runs in the kit's profile ({@code ./mvnw verify -Pkit}):
 * a learner doing the lesson in the starter changes it on purpose, and must not fail by it.
 */
@DisplayName("The starter and the solution")
@EnabledIfSystemProperty(named = "echokit.kit", matches = "true", disabledReason = "a check of the kit as shipped: runs with -Pkit")
class StarterDriftTest {

    /** A change counts as "at" a marker when the marker stands in it or this many lines above it. */
    private static final int MARKER_REACH = 3;

    private static final Path SOLUTION = Path.of("src", "main", "java");
    private static final Path STARTER = Path.of("..", "lesson-starter", "src", "main", "java");

    @Test
    @DisplayName("hold the same source files")
    void sameFiles() throws IOException {
        assertThat(javaFiles(STARTER)).isEqualTo(javaFiles(SOLUTION));
    }

    @Test
    @DisplayName("differ only at TODO(task N) markers in the starter")
    void differOnlyAtMarkers() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : javaFiles(SOLUTION)) {
            if (!Files.exists(STARTER.resolve(file))) {
                continue; // reported by sameFiles
            }
            List<String> starter = Files.readAllLines(STARTER.resolve(file));
            List<String> solution = Files.readAllLines(SOLUTION.resolve(file));
            for (Hunk hunk : diff(starter, solution)) {
                if (!hasMarkerNear(starter, hunk)) {
                    problems.add(file + ": starter lines " + (hunk.starterFrom + 1) + "-" + hunk.starterTo
                            + " vs solution lines " + (hunk.solutionFrom + 1) + "-" + hunk.solutionTo
                            + " differ with no TODO(task N) marker at them:\n"
                            + show("starter ", starter.subList(hunk.starterFrom, hunk.starterTo))
                            + show("solution", solution.subList(hunk.solutionFrom, hunk.solutionTo)));
                }
            }
        }
        assertThat(problems)
                .as("Change both modules together: a fix outside the lesson's tasks belongs in the starter too.")
                .isEmpty();
    }

    @Test
    @DisplayName("the starter has a marker for every task from 1 to 5, and the solution has none")
    void everyTaskHasAMarker() throws IOException {
        String starter = readAll(STARTER);
        for (int task = 1; task <= 5; task++) {
            assertThat(starter).as("a TODO(task %d) marker in the starter", task).contains("TODO(task " + task + "):");
        }
        assertThat(readAll(SOLUTION)).doesNotContain("TODO(task");
    }

    private static boolean hasMarkerNear(List<String> starter, Hunk hunk) {
        for (int i = Math.max(0, hunk.starterFrom - MARKER_REACH); i < Math.max(hunk.starterTo, hunk.starterFrom); i++) {
            if (starter.get(i).contains("TODO(task ")) {
                return true;
            }
        }
        return false;
    }

    /** One run of changed lines; import lines are left out of the comparison (they follow the code). */
    private record Hunk(int starterFrom, int starterTo, int solutionFrom, int solutionTo) {
    }

    private static List<Hunk> diff(List<String> a, List<String> b) {
        // Longest common subsequence of lines, then walk it to collect the runs that differ.
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Hunk> hunks = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
                continue;
            }
            int fromI = i;
            int fromJ = j;
            boolean onlyImports = true;
            while (i < a.size() || j < b.size()) {
                if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                    break;
                }
                if (j >= b.size() || (i < a.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
                    onlyImports &= a.get(i).startsWith("import ");
                    i++;
                } else {
                    onlyImports &= b.get(j).startsWith("import ");
                    j++;
                }
            }
            if (!onlyImports) {
                hunks.add(new Hunk(fromI, i, fromJ, j));
            }
        }
        return hunks;
    }

    private static String show(String label, List<String> lines) {
        return lines.stream().map(line -> "    " + label + " | " + line).collect(Collectors.joining("\n", "", "\n"));
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".java")).map(root::relativize).sorted().toList();
        }
    }

    private static String readAll(Path root) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path file : javaFiles(root)) {
            all.append(Files.readString(root.resolve(file)));
        }
        return all.toString();
    }
}
