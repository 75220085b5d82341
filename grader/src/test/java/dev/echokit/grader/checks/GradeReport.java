package dev.echokit.grader.checks;

import dev.echokit.grader.Lesson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Listens to a grading run and, at its end, prints the summary table (XP per task) and writes
 * {@code grader-report.json}. Registered for Surefire runs through META-INF/services; classroom
 * runs and the self-test create their own.
 */
public class GradeReport implements TestExecutionListener {

    /** The outcome of one check. */
    public record Check(String name, String group, String status, String message, long millis) {
    }

    /** One group's line in the summary. */
    public record Row(String group, int passed, int failed, int skipped, int xp, int xpMax) {
        public int total() {
            return passed + failed;
        }
    }

    private final Path workDir;
    private final PrintStream out;
    private final boolean print;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final List<Check> checks = java.util.Collections.synchronizedList(new ArrayList<>());
    private TestPlan plan;

    /** Used by Surefire through the service loader: prints, and writes under grader/target. */
    public GradeReport() {
        this(Path.of(System.getProperty("grader.workDir", "target")), System.out, true);
    }

    public GradeReport(Path workDir, PrintStream out, boolean print) {
        this.workDir = workDir;
        this.out = out;
        this.print = print;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
        try {
            // A proof from an earlier run must not pass for this one's: the task 5 check writes it anew when it passes.
            Files.deleteIfExists(workDir.resolve("proof").resolve("server.log"));
        } catch (IOException e) {
            out.println("could not remove the old proof log: " + e.getMessage());
        }
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
            checks.add(new Check(nameOf(id), groupOf(id), statusForSkip(reason), reason, 0));
        } else if (plan != null) {
            for (TestIdentifier child : plan.getDescendants(id)) {
                if (child.isTest()) {
                    checks.add(new Check(nameOf(child), groupOf(child), statusForSkip(reason), reason, 0));
                }
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long millis = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
        String message = result.getThrowable().map(t -> t.getMessage() == null ? t.toString() : t.getMessage()).orElse("");
        if (id.isTest()) {
            String status = switch (result.getStatus()) {
                case SUCCESSFUL -> "passed";
                case ABORTED -> "not run";
                case FAILED -> "failed";
            };
            checks.add(new Check(nameOf(id), groupOf(id), status, message, millis));
        } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && plan != null && id.getSource().isPresent()) {
            // A class that failed before its checks ran (the compile error): its checks count as failed.
            String status = result.getStatus() == TestExecutionResult.Status.FAILED ? "failed" : "not run";
            boolean first = true;
            for (TestIdentifier child : plan.getDescendants(id)) {
                if (child.isTest() && checks.stream().noneMatch(c -> c.name().equals(nameOf(child)))) {
                    checks.add(new Check(nameOf(child), groupOf(child), first ? status : "not run",
                            first ? message : "not run: see the first failure", 0));
                    first = false;
                }
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        List<Check> all = List.copyOf(checks);
        if (all.stream().noneMatch(c -> isGraded(c.group()) && (c.status().equals("passed") || c.status().equals("failed")))) {
            return; // no check ran: the kit's own tests, or a classroom run (which reports per submission)
        }
        List<Row> rows = rows(all);
        if (print) {
            out.println(table(rows, all));
        }
        try {
            Files.createDirectories(workDir);
            Files.writeString(workDir.resolve("grader-report.json"), json(rows, all), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out.println("could not write grader-report.json: " + e.getMessage());
        }
    }

    public List<Check> checks() {
        return List.copyOf(checks);
    }

    static boolean isGraded(String group) {
        return group.startsWith("task:") || group.equals("echo") || group.equals("architecture") || group.equals("stretch");
    }

    static String statusForSkip(String reason) {
        return reason != null && reason.startsWith("not applicable") ? "n/a" : "not run";
    }

    /** The rows of the summary, in lesson order: echo, tasks 1 to 5, architecture, stretch. */
    public static List<Row> rows(List<Check> all) {
        List<String> order = new ArrayList<>(List.of("echo"));
        for (int task = 1; task <= Lesson.TASKS.size(); task++) {
            order.add("task:" + task);
        }
        order.addAll(List.of("architecture", "stretch"));
        List<Row> rows = new ArrayList<>();
        for (String group : order) {
            List<Check> in = all.stream().filter(c -> c.group().equals(group)).toList();
            int passed = (int) in.stream().filter(c -> c.status().equals("passed")).count();
            int failed = (int) in.stream().filter(c -> c.status().equals("failed")).count();
            int skipped = in.size() - passed - failed;
            boolean task = group.startsWith("task:");
            int xpMax = task ? Lesson.xpPerTask() : 0;
            int xp = task && passed + failed > 0 ? xpMax * passed / (passed + failed) : 0;
            rows.add(new Row(group, passed, failed, skipped, xp, xpMax));
        }
        return rows;
    }

    public static int score(List<Row> rows) {
        return rows.stream().mapToInt(Row::xp).sum();
    }

    private String table(List<Row> rows, List<Check> all) {
        StringBuilder t = new StringBuilder();
        t.append('\n').append("EchoKit grader summary").append('\n');
        t.append(String.format(Locale.ROOT, "  %-42s %-10s %s%n", "part", "checks", "XP"));
        for (Row row : rows) {
            String label = label(row.group());
            String checksText = row.total() == 0
                    ? (row.skipped() > 0 ? skippedWord(all, row.group()) : "-")
                    : row.passed() + "/" + row.total() + " passed";
            String xp = row.xpMax() == 0 ? "" : row.total() == 0 ? "-" : row.xp() + "/" + row.xpMax();
            t.append(String.format(Locale.ROOT, "  %-42s %-10s %s%n", label, checksText, xp).stripTrailing()).append('\n');
        }
        boolean partial = rows.stream().anyMatch(r -> r.xpMax() > 0 && r.total() == 0);
        t.append(String.format(Locale.ROOT, "  %-42s %-10s %d/%d%s%n", "total", "", score(rows), Lesson.XP,
                partial ? "  (only some tasks were checked in this run)" : ""));
        List<Check> failed = all.stream().filter(c -> c.status().equals("failed")).toList();
        if (failed.isEmpty()) {
            t.append("  every check that ran passed.\n");
        } else {
            t.append("  failed checks (each failure above says what the server did and where to look):\n");
            List<Check> sorted = failed.stream().sorted(java.util.Comparator.comparing(Check::group)).toList();
            sorted.stream().limit(12).forEach(c ->
                    t.append("    ").append(label(c.group()).replaceFirst(" —.*", "")).append(": ").append(c.name()).append('\n'));
            if (sorted.size() > 12) {
                t.append("    ... and ").append(sorted.size() - 12).append(" more\n");
            }
        }
        Path proof = workDir.resolve("proof").resolve("server.log");
        if (Files.exists(proof)) {
            t.append("  proof log for the lesson: ").append(proof).append('\n');
        }
        t.append("  report: ").append(workDir.resolve("grader-report.json")).append('\n');
        return t.toString();
    }

    private static String skippedWord(List<Check> all, String group) {
        return all.stream().filter(c -> c.group().equals(group)).anyMatch(c -> c.status().equals("n/a")) ? "n/a" : "not run";
    }

    static String label(String group) {
        if (group.startsWith("task:")) {
            return Lesson.TASKS.get(Integer.parseInt(group.substring(5)));
        }
        return switch (group) {
            case "echo" -> "Echo still works (previous lesson)";
            case "architecture" -> "Architecture rules";
            case "stretch" -> "Stretch (-Dgroups=stretch)";
            default -> group;
        };
    }

    private static String json(List<Row> rows, List<Check> all) {
        StringBuilder j = new StringBuilder("{\n");
        boolean passed = all.stream().noneMatch(c -> c.status().equals("failed"));
        j.append("  \"status\": \"").append(passed ? "passed" : "failed").append("\",\n");
        j.append("  \"score\": ").append(score(rows)).append(",\n");
        j.append("  \"maxScore\": ").append(Lesson.XP).append(",\n");
        j.append("  \"tasks\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            j.append(String.format(Locale.ROOT, "    {\"group\": %s, \"passed\": %d, \"failed\": %d, \"notRun\": %d, \"xp\": %d, \"xpMax\": %d}%s%n",
                    str(r.group()), r.passed(), r.failed(), r.skipped(), r.xp(), r.xpMax(), i + 1 < rows.size() ? "," : ""));
        }
        j.append("  ],\n  \"checks\": [\n");
        for (int i = 0; i < all.size(); i++) {
            Check c = all.get(i);
            j.append(String.format(Locale.ROOT, "    {\"name\": %s, \"task\": %s, \"status\": %s, \"message\": %s, \"durationMillis\": %d}%s%n",
                    str(c.name()), str(c.group()), str(c.status()), str(c.message()), c.millis(), i + 1 < all.size() ? "," : ""));
        }
        return j.append("  ]\n}\n").toString();
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : (s == null ? "" : s).toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 32 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    private String nameOf(TestIdentifier id) {
        String parent = plan == null ? "" : plan.getParent(id)
                .filter(p -> p.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.MethodSource).orElse(false))
                .map(p -> p.getDisplayName() + " ").orElse("");
        return parent + id.getDisplayName();
    }

    private static String groupOf(TestIdentifier id) {
        List<String> tags = id.getTags().stream().map(TestTag::getName).toList();
        for (String tag : tags) {
            if (tag.startsWith("task:")) {
                return tag;
            }
        }
        for (String tag : List.of("stretch", "architecture", "echo")) {
            if (tags.contains(tag)) {
                return tag;
            }
        }
        return tags.isEmpty() ? "other" : tags.get(0);
    }

    /** Map view of the rows for callers that only need XP per group. */
    public static Map<String, Row> byGroup(List<Row> rows) {
        Map<String, Row> map = new LinkedHashMap<>();
        rows.forEach(r -> map.put(r.group(), r));
        return map;
    }
}
