package dev.echokit.grader.classroom;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.intake.Archives;
import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.intake.SourceText;
import dev.echokit.grader.intake.Tree;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.process.ServerUser;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Outcome;
import dev.echokit.grader.report.PartResult;
import dev.echokit.grader.report.Reports;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Grades a class: every folder or zip in the class folder is one learner's submission. Each gets
 * its own row — graded, or "not graded" and why — and its own folder of results (the verdict as
 * JSON, the feedback the learner would read, the proof log). The class's tables are written from
 * those folders, so regrading a few learners into an existing results folder keeps the others.
 */
public final class Classroom {

    /** The parts a classroom table shows: everything but stretch. */
    static final List<Part> PARTS = ConnectionLimits.LESSON.parts().stream().filter(p -> p.kind() != Part.Kind.STRETCH).toList();

    /**
     * One submission's line in the table, as stored in its results folder ({@code row.json}).
     *
     * @param cells     per part: "10", "4", "0 (needs task 1)", "4/5", "not run"
     * @param reasons   per part that lost marks: the first failed check and its hint, in full words
     * @param codeHash  the server's sources with comments and spacing set aside, to spot identical ones
     */
    public record Row(String submission, String gradedPath, int score, NotGraded notGraded,
                      Map<String, String> cells, Map<String, String> reasons, String codeHash) {

        public String cell(Part part) {
            return cells.getOrDefault(part.tag(), "-");
        }

        boolean graded() {
            return notGraded == null;
        }
    }

    /** A row and, while it is in memory, the verdict it came from. */
    public record Graded(Row row, Verdict verdict) {
    }

    /** One learner of the roster: the submission's folder or zip name, and who it is. */
    public record Learner(String folder, String id, String name, String email) {
    }

    private Classroom() {
    }

    /** Grades every submission in the folder into {@code outDir} (the self-test's and the default use). */
    public static List<Graded> gradeAll(Path submissions, Path kitRoot, Path outDir, int parallel, PrintStream progress,
                                        Platform platform) throws IOException, InterruptedException {
        return grade(submissions, kitRoot, outDir, parallel, progress, platform, Set.of());
    }

    /**
     * Grades the submissions in {@code submissions} — all of them, or only those named in
     * {@code only} — writing each into its folder under {@code outDir}, then rewrites the tables
     * from every row there.
     */
    public static List<Graded> grade(Path submissions, Path kitRoot, Path outDir, int parallel, PrintStream progress,
                                     Platform platform, Set<String> only) throws IOException, InterruptedException {
        List<Path> entries = submissions(submissions).stream().filter(p -> only.isEmpty() || only.contains(nameOf(p))).toList();
        Files.createDirectories(outDir);
        closeToServers(outDir);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<Graded>> futures = new ArrayList<>();
            for (Path entry : entries) {
                futures.add(pool.submit(() -> {
                    Graded graded = gradeSafely(entry, kitRoot, outDir.resolve(nameOf(entry)), platform);
                    int n = done.incrementAndGet();
                    long elapsed = (System.nanoTime() - start) / 1_000_000_000;
                    long left = n == entries.size() ? 0 : elapsed * (entries.size() - n) / n;
                    progress.printf(Locale.ROOT, "  [%d/%d] %-28s %s   (%d s so far%s)%n", n, entries.size(), graded.row().submission(),
                            graded.row().graded() ? graded.row().score() + "/" + ConnectionLimits.LESSON.maxXp() : graded.row().notGraded().words(),
                            elapsed, left == 0 ? "" : ", about " + minutes(left) + " left");
                    return graded;
                }));
            }
            List<Graded> results = new ArrayList<>();
            for (Future<Graded> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a submission's grading failed outside its own guard", e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * When the grader is root, servers run as users of their own: the results folder is then closed
     * to every other user, so that no server can write a row or read another learner's feedback.
     */
    public static void closeToServers(Path resultsDir) throws IOException {
        if (ServerUser.isRoot()) {
            Tree.setMode(resultsDir, "rwxr-x---");
        }
    }

    /**
     * The class folder's submissions, sorted: every folder and every archive (readable or not, so a
     * .rar gets its row and its reason). Hidden files and other files (a roster, notes) are not submissions.
     */
    public static List<Path> submissions(Path submissions) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(submissions)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && (Files.isDirectory(p) || Files.isRegularFile(p) && Archives.isArchive(p))) {
                    entries.add(p);
                }
            }
        }
        return entries;
    }

    /** Files in the class folder that are not submissions: said once, so nothing is dropped in silence. */
    public static List<String> notSubmissions(Path submissions) throws IOException {
        List<Path> entries = submissions(submissions);
        try (Stream<Path> list = Files.list(submissions)) {
            return list.filter(p -> !entries.contains(p) && !p.getFileName().toString().startsWith("."))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Grades one submission; a failure of the grader itself becomes its row and its feedback, never a stack trace. */
    static Graded gradeSafely(Path entry, Path kitRoot, Path resultDir, Platform platform) {
        String name = nameOf(entry);
        try {
            return gradeOne(entry, kitRoot, resultDir, platform);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            Row row = notGraded(name, NotGraded.graderError(GraderError.describe(e)));
            try {
                storeNotGraded(row, resultDir);
            } catch (IOException | RuntimeException again) {
                // The results folder itself cannot be written: the row is still returned and printed.
            }
            return new Graded(row, null);
        }
    }

    /** Writes results.csv and results.md from every row in {@code outDir}, with the roster's columns when given. */
    public static List<Row> writeTables(Path outDir, Optional<Path> roster) throws IOException {
        return writeTables(outDir, roster, Platform.detect());
    }

    /** As above, saying in the Markdown table whether the servers ran contained on this platform. */
    public static List<Row> writeTables(Path outDir, Optional<Path> roster, Platform platform) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> list = Files.list(outDir)) {
            for (Path dir : list.filter(Files::isDirectory).sorted().toList()) {
                Path json = dir.resolve("row.json");
                if (Files.exists(json)) {
                    rows.add(JsonReport.mapper().readValue(json.toFile(), Row.class));
                }
            }
        }
        Map<String, Learner> learners = roster.isPresent() ? readRoster(roster.get()) : Map.of();
        for (Learner learner : learners.values()) {
            if (rows.stream().noneMatch(r -> r.submission().equals(learner.folder()))) {
                rows.add(notGraded(learner.folder(), NotGraded.because("no submission")));
            }
        }
        rows.sort((a, b) -> a.submission().compareTo(b.submission()));
        ClassTable.Class klass = new ClassTable.Class(rows, learners, ClassInsights.of(outDir, rows), platform);
        for (ClassTable table : ClassTable.ALL) {
            table.write(klass, outDir);
        }
        return rows;
    }

    static Graded gradeOne(Path entry, Path kitRoot, Path resultDir, Platform platform) throws IOException {
        String name = nameOf(entry);
        Path work = resultDir.resolve("work");
        Intake.Found found = Intake.find(entry, work);
        if (!found.graded()) {
            Row row = notGraded(name, found.notGraded());
            storeNotGraded(row, resultDir);
            return new Graded(row, null);
        }
        Verdict verdict = Grader.grade(Grader.Request.of(found.sources().toString(), kitRoot, work).on(platform))
                .withNotesBefore(found.notes()).named(name);
        Map<String, String> cells = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Part part : PARTS) {
            cells.put(part.tag(), cellOf(verdict, part));
            reasonOf(verdict, part).ifPresent(reason -> reasons.put(part.tag(), reason));
        }
        Optional<CheckResult> setup = verdict.checks().stream().filter(CheckResult::isSetupFailure).findFirst();
        Row row = new Row(name, found.sources().toString(), verdict.score(),
                setup.filter(c -> c.setup() == CheckResult.Setup.NO_SOURCES).map(c -> NotGraded.because(c.message())).orElse(null),
                cells, reasons, codeHash(found.sources(), found.files()));
        store(row, resultDir);
        Path proof = Grader.proofFile(work);
        Reports.write(Reports.classroomSubmission(), new Outcome(verdict, Files.exists(proof) ? Optional.of(proof) : Optional.empty(), 0),
                resultDir);
        return new Graded(row, verdict);
    }

    /** "10", or "4" for a task that lost marks; "0 (needs task 1)" for one that could not be judged. */
    static String cellOf(Verdict verdict, Part part) {
        PartResult row = verdict.part(part).orElseThrow();
        if (row.ran() == 0) {
            return verdict.in(part).stream().anyMatch(c -> c.is(Status.NOT_APPLICABLE)) ? "n/a" : "not run";
        }
        String value = row.xpMax() > 0 ? Integer.toString(row.xp()) : row.passed() + "/" + (row.passed() + row.failed());
        if (row.failed() == 0 && row.needsTask() > 0) {
            return value + " (needs " + PartResult.needed(verdict.in(part)).stream().map(Part::shortName)
                    .collect(Collectors.joining(", ")) + ")";
        }
        return value;
    }

    /** The first failed check of the part, and its hint: whole words, never cut (feedback.md has the rest). */
    static Optional<String> reasonOf(Verdict verdict, Part part) {
        return verdict.in(part).stream().filter(c -> c.is(Status.FAILED)).findFirst().map(check -> {
            if (check.feedback() == null) {
                return check.name() + ": " + check.message().lines().findFirst().orElse("");
            }
            String hint = check.feedback().hint().isEmpty() ? check.feedback().got() : check.feedback().hint();
            return check.name() + ": " + hint;
        });
    }

    private static Row notGraded(String name, NotGraded why) {
        return new Row(name, "", 0, why, Map.of(), Map.of(), "");
    }

    private static void store(Row row, Path resultDir) throws IOException {
        Files.createDirectories(resultDir);
        JsonReport.write(resultDir.resolve("row.json"), row);
    }

    /** A row with no verdict: its feedback says why, and an earlier grading's verdict and log go. */
    private static void storeNotGraded(Row row, Path resultDir) throws IOException {
        store(row, resultDir);
        Files.deleteIfExists(resultDir.resolve("grader-report.json"));
        Files.deleteIfExists(resultDir.resolve("server.log"));
        Files.writeString(resultDir.resolve("feedback.md"), "# Grader feedback — " + row.submission() + "\n\nScore: **0/"
                + ConnectionLimits.LESSON.maxXp() + "**\n\n" + row.notGraded().forLearner() + "\n", StandardCharsets.UTF_8);
    }

    /** The sources with comments and spacing set aside, hashed: equal for copies that differ only in those. */
    static String codeHash(Path sources, List<Path> files) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : files.stream().sorted(java.util.Comparator.comparing(f -> sources.relativize(f).toString())).toList()) {
            String code = SourceText.read(file).text()
                    .replaceAll("(?s)/\\*.*?\\*/", " ")
                    .replaceAll("//[^\\n]*", " ")
                    .replaceAll("\\s+", " ")
                    .strip();
            sha.update(code.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /** A submission's name: the folder's, or the archive's without its ending ("ann.tar.gz" is ann). */
    public static String nameOf(Path entry) {
        String name = entry.getFileName().toString();
        return Files.isDirectory(entry) ? name : Archives.baseName(name);
    }

    /** The roster kept in a results folder, so that regrading a few learners keeps its columns and its rows. */
    static final String REMEMBERED_ROSTER = "roster.csv";

    /**
     * The roster for this run: the one given, which is then remembered in {@code outDir}; else the
     * one remembered there by an earlier run; else none.
     */
    public static Optional<Path> rememberRoster(Optional<Path> given, Path outDir) throws IOException {
        Path remembered = outDir.resolve(REMEMBERED_ROSTER);
        if (given.isPresent()) {
            Files.createDirectories(outDir);
            if (!Files.exists(remembered) || !Files.isSameFile(given.get(), remembered)) {
                Files.copy(given.get(), remembered, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.of(remembered);
        }
        return Files.isRegularFile(remembered) ? Optional.of(remembered) : Optional.empty();
    }

    /** Up to three names closest to a misspelt one (by edit distance, case aside), closest first. */
    public static List<String> nearest(String wanted, List<String> names) {
        String w = wanted.toLowerCase(Locale.ROOT);
        return names.stream()
                .sorted(java.util.Comparator.comparingInt((String n) -> distance(w, n.toLowerCase(Locale.ROOT))).thenComparing(n -> n))
                .filter(n -> distance(w, n.toLowerCase(Locale.ROOT)) <= Math.max(2, w.length() / 3) || n.toLowerCase(Locale.ROOT).contains(w))
                .limit(3).toList();
    }

    /** Edits from one name to another: a letter added, dropped, changed, or two swapped ("bne" is one from "ben"). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    public static Map<String, Learner> readRoster(Path roster) throws IOException {
        Map<String, Learner> learners = new LinkedHashMap<>();
        List<String> lines = SourceText.read(roster).lines(); // a spreadsheet may save it as windows-1252, or with a BOM
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) { // the first line names the columns
            if (line.isBlank()) {
                continue;
            }
            List<String> f = csvFields(line);
            while (f.size() < 4) {
                f.add("");
            }
            learners.put(f.get(0), new Learner(f.get(0), f.get(1), f.get(2), f.get(3)));
        }
        return learners;
    }

    /** One CSV line's fields, with "quoted, fields" and "" for a quote inside them. */
    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString().strip());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString().strip());
        return fields;
    }

    /** Other submissions whose code is the same once comments and spacing are set aside. */
    static List<String> sameCodeAs(Row row, List<Row> rows) {
        if (row.codeHash() == null || row.codeHash().isEmpty()) {
            return List.of();
        }
        return rows.stream().filter(r -> r != row && row.codeHash().equals(r.codeHash())).map(Row::submission).toList();
    }

    static String csv(List<Row> rows, Map<String, Learner> learners) {
        StringBuilder out = new StringBuilder(learners.isEmpty() ? "" : "id,name,email,");
        out.append("submission,score,max");
        for (Part part : PARTS) {
            out.append(',').append(part.tag()).append(',').append(part.tag()).append(" reason");
        }
        out.append(",not graded,same code as\n");
        for (Row row : rows) {
            if (!learners.isEmpty()) {
                Learner l = learners.getOrDefault(row.submission(), new Learner(row.submission(), "", "", ""));
                out.append(csvCell(l.id())).append(',').append(csvCell(l.name())).append(',').append(csvCell(l.email())).append(',');
            }
            out.append(csvCell(row.submission())).append(',').append(row.score()).append(',').append(ConnectionLimits.LESSON.maxXp());
            for (Part part : PARTS) {
                out.append(',').append(csvCell(row.cell(part))).append(',').append(csvCell(row.reasons().getOrDefault(part.tag(), "")));
            }
            out.append(',').append(csvCell(row.graded() ? "" : row.notGraded().words()))
                    .append(',').append(csvCell(String.join(" ", sameCodeAs(row, rows)))).append('\n');
        }
        return out.toString();
    }

    static String markdown(List<Row> rows, Map<String, Learner> learners) {
        StringBuilder out = new StringBuilder("| submission | score |");
        PARTS.forEach(part -> out.append(' ').append(part.shortName()).append(" |"));
        out.append(" notes |\n|").append(" --- |".repeat(PARTS.size() + 3)).append('\n');
        for (Row row : rows) {
            Learner l = learners.get(row.submission());
            out.append("| ").append(l == null || l.name().isEmpty() ? row.submission() : l.name() + " (" + row.submission() + ")")
                    .append(" | ").append(row.graded() ? row.score() + "/" + ConnectionLimits.LESSON.maxXp() : "0/" + ConnectionLimits.LESSON.maxXp());
            for (Part part : PARTS) {
                String reason = row.reasons().get(part.tag());
                out.append(" | ").append(md(row.cell(part) + (reason == null ? "" : " ✗ " + reason)));
            }
            out.append(" | ").append(md(notes(row, rows))).append(" |\n");
        }
        return out.toString();
    }

    /** The row's notes, the same in every table: why it is not graded, and code it shares with others. */
    static String notes(Row row, List<Row> rows) {
        List<String> notes = new ArrayList<>();
        if (!row.graded()) {
            notes.add(row.notGraded().words());
        }
        List<String> same = sameCodeAs(row, rows);
        if (!same.isEmpty()) {
            notes.add("same code as " + String.join(", ", same) + " (comments and spacing aside): worth a look");
        }
        return String.join("; ", notes);
    }

    private static String md(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static String minutes(long seconds) {
        return seconds < 90 ? seconds + " s" : (seconds + 30) / 60 + " min";
    }

    /** The table as plain text for the terminal. */
    public static String text(List<Row> rows) {
        return rows.stream().map(r -> String.format(Locale.ROOT, "  %-28s %2d/%d  %s", r.submission(), r.score(), ConnectionLimits.LESSON.maxXp(),
                        !r.graded() ? r.notGraded().words() : lostIn(r)).stripTrailing())
                .collect(Collectors.joining("\n"));
    }

    private static String lostIn(Row r) {
        List<String> lost = PARTS.stream().filter(p -> r.reasons().containsKey(p.tag())).map(Part::shortName).toList();
        return lost.isEmpty() ? "" : "lost marks in: " + String.join(", ", lost);
    }
}
