package dev.echokit.grader;

import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.PartResult;
import dev.echokit.grader.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Grades a folder of submissions, one row each, and writes the class's table as CSV and Markdown.
 * One broken submission (not compiling, hanging) costs its own row, never the run.
 */
public final class Classroom {

    /** The parts a classroom table shows: everything but stretch. */
    static final List<Part> PARTS = Arrays.stream(Part.values()).filter(p -> p != Part.STRETCH).toList();

    /** One submission's line in the table. */
    public record Row(String submission, String gradedPath, Verdict verdict, String problem) {
        public int score() {
            return verdict == null ? 0 : verdict.score();
        }

        /** "10", "4 (reason)" for a task that lost marks, "0 (needs task 1)" for one that could not be judged. */
        public String cell(Part part) {
            if (verdict == null) {
                return "-";
            }
            PartResult row = verdict.part(part).orElseThrow();
            if (row.ran() == 0) {
                return "not run";
            }
            String value = row.xpMax() > 0 ? Integer.toString(row.xp()) : row.passed() + "/" + (row.passed() + row.failed());
            if (row.failed() > 0) {
                return value + " (" + reason(part) + ")";
            }
            if (row.needsTask() > 0) {
                return value + " (needs " + PartResult.needed(verdict.in(part)).stream().map(Part::shortName)
                        .collect(Collectors.joining(", ")) + ")";
            }
            return value;
        }

        String reason(Part part) {
            return verdict.in(part).stream().filter(c -> c.is(Status.FAILED)).findFirst()
                    .map(c -> shortReason(c.message())).orElse("");
        }
    }

    private Classroom() {
    }

    /** Grades every submission folder under {@code submissions}, {@code parallel} at a time. */
    public static List<Row> gradeAll(Path submissions, Path kitRoot, Path outDir, int parallel, PrintStream progress)
            throws IOException, InterruptedException {
        List<Path> folders;
        try (Stream<Path> list = Files.list(submissions)) {
            folders = list.filter(Files::isDirectory).sorted().toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Row>> futures = new ArrayList<>();
            AtomicInteger done = new AtomicInteger();
            for (Path folder : folders) {
                futures.add(pool.submit(() -> {
                    Row row = gradeOne(folder, kitRoot, outDir.resolve(folder.getFileName().toString()));
                    progress.printf(Locale.ROOT, "  graded %-28s %2d/%d  (%d of %d)%n", row.submission(), row.score(),
                            Part.maxXp(), done.incrementAndGet(), folders.size());
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

    static Row gradeOne(Path folder, Path kitRoot, Path workDir) throws IOException {
        String name = folder.getFileName().toString();
        Path sources = findSources(folder);
        if (sources == null) {
            return new Row(name, "", null, "no Java sources found (expected src/main/java, or a copy of the kit)");
        }
        Verdict verdict = Grader.grade(Grader.Request.of(sources.toString(), kitRoot, workDir));
        JsonReport.write(workDir.resolve("grader-report.json"), verdict);
        return new Row(name, sources.toString(), verdict, "");
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

    static void write(List<Row> rows, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("results.csv"), csv(rows), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("results.md"), markdown(rows), StandardCharsets.UTF_8);
    }

    static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder("submission,score,max");
        for (Part part : PARTS) {
            out.append(',').append(part.tag()).append(',').append(part.tag()).append(" reason");
        }
        out.append(",problem\n");
        for (Row row : rows) {
            out.append(csvCell(row.submission())).append(',').append(row.score()).append(',').append(Part.maxXp());
            for (Part part : PARTS) {
                String cell = row.cell(part);
                int paren = cell.indexOf(" (");
                out.append(',').append(csvCell(paren < 0 ? cell : cell.substring(0, paren)));
                out.append(',').append(csvCell(paren < 0 ? "" : cell.substring(paren + 2, cell.length() - 1)));
            }
            out.append(',').append(csvCell(row.problem())).append('\n');
        }
        return out.toString();
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("| submission | score |");
        PARTS.forEach(part -> out.append(' ').append(part.shortName()).append(" |"));
        out.append("\n|").append(" --- |".repeat(PARTS.size() + 2)).append('\n');
        for (Row row : rows) {
            out.append("| ").append(row.submission()).append(" | ")
                    .append(row.problem().isEmpty() ? row.score() + "/" + Part.maxXp() : "0/" + Part.maxXp() + " (" + row.problem() + ")");
            for (Part part : PARTS) {
                out.append(" | ").append(row.cell(part).replace("|", "\\|"));
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
        return rows.stream().map(r -> String.format(Locale.ROOT, "  %-28s %2d/%d%s", r.submission(), r.score(), Part.maxXp(),
                        r.problem().isEmpty() ? lostIn(r) : "  " + r.problem()))
                .collect(Collectors.joining("\n"));
    }

    private static String lostIn(Row r) {
        List<String> lost = PARTS.stream().filter(p -> r.cell(p).contains("(") && !r.cell(p).contains("(needs"))
                .map(Part::shortName).toList();
        return lost.isEmpty() ? "" : "  lost marks in: " + String.join(", ", lost);
    }
}
