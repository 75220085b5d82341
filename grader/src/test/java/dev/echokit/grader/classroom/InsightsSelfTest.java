package dev.echokit.grader.classroom;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.Catalogue;
import dev.echokit.grader.Parts;
import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The class insights an instructor reads before the next lecture: pass rates per part, the checks
 * failed most often, the "needs" chains; in results.md and in results.html, which a real headless
 * Chromium renders with the same numbers as results.csv and no console error.
 */
@Tag("selftest")
@DisplayName("Class insights")
@ExtendWith(SelfTestCondition.class)
class InsightsSelfTest {

    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String HOSTILE_NAME = "eve<img src=x onerror=alert(1)>";

    @Test
    @DisplayName("pass rates, the most failed checks and the needs chains, in results.md and a results.html that Chromium renders as results.csv says")
    void insightsMatchTheTable() throws Exception {
        Path out = WORK.resolve("insights/results");
        Catalogue.deleteRecursively(out);
        learner(out, "ann", List.of());                                                          // 50/50
        learner(out, "ben", List.of(fail(Parts.TASK_3, "the client reads the refusal line")));     // one mistake
        learner(out, "cat", List.of(fail(Parts.TASK_3, "the client reads the refusal line"),
                fail(Parts.TASK_1, "a bad --max-clients stops the program")));
        learner(out, HOSTILE_NAME, List.of(fail(Parts.TASK_1, "a bad --max-clients stops the program"),
                fail(Parts.TASK_1, "the option sets the limit </td><script>alert(2)</script>")));
        List<Row> rows = Classroom.writeTables(out, Optional.empty(), Platform.portable());
        assertThat(rows).hasSize(4);

        String md = Files.readString(out.resolve("results.md"));
        assertThat(md).contains("## What the class got wrong")
                .contains("| Task 3 — Tell the client, then close | 1 of 4 (25 %) |")
                .contains("| Task 1 — Add the --max-clients option | 2 of 4 (50 %) |")
                .contains("- 2 × task 1: a bad --max-clients stops the program — cat, " + HOSTILE_NAME)
                .contains("- 2 × task 3: the client reads the refusal line — ben, cat")
                .contains("× task 4 waits for task 1");
        // The rates as results.csv has them: learners whose cell is the part's whole XP (or every check passed).
        Map<String, int[]> fromCsv = ratesFromCsv(Files.readString(out.resolve("results.csv")));
        assertThat(fromCsv.get("task:3")).containsExactly(1, 4);

        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium; .ci/run installs it");
        Path profile = Files.createTempDirectory("echokit-chromium-");
        try {
            Browser page = browse(out.resolve("results.html"), profile, "#sort=score");
            assertThat(page.console()).as("the browser's console").doesNotContainIgnoringCase("error").doesNotContain("Uncaught");
            Matcher bar = Pattern.compile("<rect class=\"bar\" data-part=\"([^\"]+)\" data-passed=\"(\\d+)\" data-graded=\"(\\d+)\"").matcher(page.dom());
            int bars = 0;
            while (bar.find()) {
                bars++;
                assertThat(new int[] {Integer.parseInt(bar.group(2)), Integer.parseInt(bar.group(3))}).as(bar.group(1))
                        .containsExactly(fromCsv.get(bar.group(1)));
            }
            assertThat(bars).isEqualTo(Row.PARTS.size());
            assertThat(page.dom()).contains("data-sorted=\"score desc\"").doesNotContain("<img").doesNotContain("<script>alert");
            List<String> order = new ArrayList<>();
            Matcher link = Pattern.compile("<a href=\"([^\"]+)/feedback.md\">").matcher(page.dom());
            while (link.find()) {
                order.add(link.group(1));
            }
            assertThat(order).hasSize(4).first().isEqualTo("ann"); // sorted by score, the highest first
            assertThat(WORK.resolve("insights/results.png")).isNotEmptyFile();
        } finally {
            Catalogue.deleteRecursively(profile);
        }
    }

    /** One learner's results folder, as a grading leaves it: row.json and grader-report.json. */
    private static void learner(Path out, String name, List<CheckResult> failures) throws Exception {
        List<CheckResult> checks = new ArrayList<>();
        for (Part part : Parts.LESSON.parts().toArray(Part[]::new)) {
            if (part == Parts.STRETCH) {
                continue;
            }
            boolean task1Broken = failures.stream().anyMatch(f -> f.part() == Parts.TASK_1);
            for (int i = 1; i <= 2; i++) {
                String check = part.shortName() + " check " + i;
                int n = i;
                Optional<CheckResult> failed = failures.stream().filter(f -> f.part() == part).skip(n - 1).findFirst();
                if (failed.isPresent()) {
                    checks.add(new CheckResult(failed.get().name(), part, Status.FAILED, null, "expected better", i, null));
                } else if (task1Broken && part.isTask() && part.task() > 1) {
                    checks.add(new CheckResult(check, part, Status.NEEDS_TASK, Parts.TASK_1, "needs task 1", i, null));
                } else {
                    checks.add(new CheckResult(check, part, Status.PASSED, null, "", i, null));
                }
            }
        }
        Verdict verdict = new Verdict(name, "header", checks);
        Path dir = out.resolve(name);
        Map<String, String> cells = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        for (Part part : Row.PARTS) {
            cells.put(part.tag(), Row.cellOf(verdict, part));
            Row.reasonOf(verdict, part).ifPresent(r -> reasons.put(part.tag(), r));
        }
        JsonReport.write(dir.resolve("row.json"), new Row(name, "", verdict.score(), null, cells, reasons, ""));
        JsonReport.write(dir.resolve("grader-report.json"), verdict);
    }

    private static CheckResult fail(Part part, String name) {
        return new CheckResult(name, part, Status.FAILED, null, "", 0, null);
    }

    /** Per part tag: {learners who passed it whole, learners graded}, from the CSV's cells. */
    private static Map<String, int[]> ratesFromCsv(String csv) {
        List<String> lines = csv.lines().toList();
        List<String> head = Roster.csvFields(lines.get(0));
        Map<String, int[]> rates = new HashMap<>();
        for (Part part : Row.PARTS) {
            int column = head.indexOf(part.tag());
            int passed = 0;
            int graded = 0;
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = Roster.csvFields(line);
                graded++;
                passed += ClassInsights.passedWhole(part, f.get(column)) ? 1 : 0;
            }
            rates.put(part.tag(), new int[] {passed, graded});
        }
        return rates;
    }

    private record Browser(String dom, String console) {
    }

    /** Loads the page in headless Chromium: its DOM after the scripts ran, what it logged, and a screenshot. */
    private static Browser browse(Path page, Path profile, String fragment) throws Exception {
        List<String> base = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000");
        String url = page.toUri() + fragment;
        List<String> dump = new ArrayList<>(base);
        dump.addAll(List.of("--dump-dom", url));
        Path err = profile.resolve("console.txt");
        Process process = new ProcessBuilder(dump).redirectError(err.toFile()).start();
        String dom;
        try {
            dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String console = Files.readString(err).lines().filter(l -> l.contains("CONSOLE") || l.contains(":INFO:CONSOLE"))
                .reduce("", (a, b) -> a + b + "\n");
        List<String> shot = new ArrayList<>(base);
        shot.addAll(List.of("--window-size=1100,1400", "--screenshot=" + WORK.resolve("insights/results.png"), url));
        Process screenshot = new ProcessBuilder(shot).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(screenshot.waitFor(60, TimeUnit.SECONDS)).as("chromium took the screenshot").isTrue();
        } finally {
            screenshot.descendants().forEach(ProcessHandle::destroyForcibly);
            screenshot.destroyForcibly();
        }
        return new Browser(dom, console);
    }
}
