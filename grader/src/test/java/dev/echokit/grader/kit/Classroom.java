package dev.echokit.grader.kit;

import dev.echokit.grader.Lesson;
import dev.echokit.grader.checks.GradeReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Grades a folder of submissions, one row each, and writes the class's table as CSV and Markdown.
 * One broken submission (not compiling, hanging) costs its own row, never the run.
 */
public final class Classroom {

    /** The default run's checks: everything but stretch. */
    static final List<String> DEFAULT_CHECKS = GradeRun.CHECK_CLASSES.stream()
            .filter(c -> !c.equals("StretchChecks")).toList();

    /** One submission's line in the table. */
    public record Row(String submission, String gradedPath, GradeRun.Result result, String problem) {
        public int score() {
            return result == null ? 0 : result.score();
        }

        /** "10", or "4 (reason)" for a task that lost marks. */
        String cell(String group) {
            if (result == null) {
                return "-";
            }
            GradeReport.Row row = GradeReport.byGroup(result.rows()).get(group);
            if (row == null || row.total() == 0) {
                return "not run";
            }
            String value = row.xpMax() > 0 ? Integer.toString(row.xp()) : row.passed() + "/" + row.total();
            return row.failed() == 0 ? value : value + " (" + reason(group) + ")";
        }

        String reason(String group) {
            return result.checks().stream()
                    .filter(c -> c.group().equals(group) && c.status().equals("failed"))
                    .findFirst().map(c -> shortReason(c.message())).orElse("");
        }
    }

    private Classroom() {
    }

    /** Grades every submission folder under {@code submissions}, {@code parallel} at a time. */
    public static List<Row> gradeAll(Path submissions, Path outDir, int parallel) throws IOException, InterruptedException {
        List<Path> folders;
        try (Stream<Path> list = Files.list(submissions)) {
            folders = list.filter(Files::isDirectory).sorted().toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Row>> futures = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            for (Path folder : folders) {
                futures.add(pool.submit(() -> {
                    Row row = gradeOne(folder, outDir.resolve(folder.getFileName().toString()));
                    System.out.printf(Locale.ROOT, "  graded %-28s %2d/%d  (%d of %d)%n", row.submission(), row.score(),
                            Lesson.XP, done.incrementAndGet(), folders.size());
                    return row;
                }));
            }
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    rows.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    rows.add(new Row(folders.get(i).getFileName().toString(), "", null, "grader error: " + e.getCause()));
                }
            }
            write(rows, outDir);
            return rows;
        } finally {
            pool.shutdownNow();
        }
    }

    static Row gradeOne(Path folder, Path workDir) {
        String name = folder.getFileName().toString();
        Path sources = findSources(folder);
        if (sources == null) {
            return new Row(name, "", null, "no Java sources found (expected src/main/java, or a copy of the kit)");
        }
        GradeRun.Result result = GradeRun.grade(sources.toString(), workDir, DEFAULT_CHECKS, false);
        return new Row(name, sources.toString(), result, "");
    }

    /** A copy of the kit, a module folder, or a folder of .java files. */
    static Path findSources(Path folder) {
        for (Path candidate : List.of(folder.resolve("lesson-starter/src/main/java"), folder.resolve("src/main/java"))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        try (Stream<Path> walk = Files.walk(folder, 8)) {
            return walk.anyMatch(p -> p.toString().endsWith(".java")) ? folder : null;
        } catch (IOException e) {
            return null;
        }
    }

    static List<String> groups() {
        List<String> groups = new ArrayList<>(List.of("echo"));
        for (int task = 1; task <= Lesson.TASKS.size(); task++) {
            groups.add("task:" + task);
        }
        groups.add("architecture");
        return groups;
    }

    static void write(List<Row> rows, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("results.csv"), csv(rows), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("results.md"), markdown(rows), StandardCharsets.UTF_8);
    }

    static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder("submission,score,max");
        for (String g : groups()) {
            out.append(',').append(g).append(',').append(g).append(" reason");
        }
        out.append(",problem\n");
        for (Row row : rows) {
            out.append(csvCell(row.submission())).append(',').append(row.score()).append(',').append(Lesson.XP);
            for (String g : groups()) {
                String cell = row.cell(g);
                int paren = cell.indexOf(" (");
                out.append(',').append(csvCell(paren < 0 ? cell : cell.substring(0, paren)));
                out.append(',').append(csvCell(paren < 0 ? "" : cell.substring(paren + 2, cell.length() - 1)));
            }
            out.append(',').append(csvCell(row.problem())).append('\n');
        }
        return out.toString();
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("| submission | score | echo | task 1 | task 2 | task 3 | task 4 | task 5 | architecture |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Row row : rows) {
            out.append("| ").append(row.submission()).append(" | ")
                    .append(row.problem().isEmpty() ? row.score() + "/" + Lesson.XP : "0/" + Lesson.XP + " (" + row.problem() + ")");
            for (String g : groups()) {
                out.append(" | ").append(row.cell(g).replace("|", "\\|"));
            }
            out.append(" |\n");
        }
        return out.toString();
    }

    /** The first line of a failure, without the task prefix: short enough for a table cell. */
    static String shortReason(String message) {
        String first = message.lines().findFirst().orElse("").replaceFirst("^\\[task \\d\\] ", "");
        String got = message.lines().filter(l -> l.strip().startsWith("what the server did:")).findFirst()
                .map(l -> l.strip().substring("what the server did:".length()).strip()).orElse("");
        String reason = got.isEmpty() ? first : first + "; " + got;
        reason = reason.replaceAll("\\s+", " ").replaceAll(" \\(after \\d+ ms\\)", "");
        return reason.length() > 140 ? reason.substring(0, 137) + "..." : reason;
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    /** The table as plain text for the terminal. */
    static String text(List<Row> rows) {
        return rows.stream().map(r -> String.format(Locale.ROOT, "  %-28s %2d/%d%s", r.submission(), r.score(), Lesson.XP,
                        r.problem().isEmpty() ? lostIn(r) : "  " + r.problem()))
                .collect(Collectors.joining("\n"));
    }

    private static String lostIn(Row r) {
        List<String> lost = groups().stream().filter(g -> r.cell(g).contains("(")).toList();
        return lost.isEmpty() ? "" : "  lost marks in: " + String.join(", ", lost);
    }
}
