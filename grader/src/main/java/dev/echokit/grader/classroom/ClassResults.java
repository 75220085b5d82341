package dev.echokit.grader.classroom;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.intake.Tree;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.process.ServerUser;
import dev.echokit.grader.report.JsonReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A class's results folder: a folder per learner with its row (and its verdict, feedback and proof
 * log), and the class's tables written from every row there, so regrading a few keeps the others.
 */
public final class ClassResults {

    /** Why a roster's learner with no submission has a row: the tables list everybody on the roster. */
    static final NotGraded NO_SUBMISSION = NotGraded.because("no submission");

    private ClassResults() {
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

    static void store(Row row, Path resultDir) throws IOException {
        Files.createDirectories(resultDir);
        JsonReport.write(resultDir.resolve("row.json"), row);
    }

    /** A row with no verdict: its feedback says why, and an earlier grading's verdict and log go. */
    static void storeNotGraded(Row row, Path resultDir) throws IOException {
        store(row, resultDir);
        Files.deleteIfExists(resultDir.resolve("grader-report.json"));
        Files.deleteIfExists(resultDir.resolve("server.log"));
        Files.writeString(resultDir.resolve("feedback.md"), "# Grader feedback — " + row.submission() + "\n\nScore: **0/"
                + ConnectionLimits.LESSON.maxXp() + "**\n\n" + row.notGraded().forLearner() + "\n", StandardCharsets.UTF_8);
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
        Map<String, Learner> learners = roster.isPresent() ? Roster.read(roster.get()) : Map.of();
        for (Learner learner : learners.values()) {
            if (rows.stream().noneMatch(r -> r.submission().equals(learner.folder()))) {
                rows.add(Row.notGraded(learner.folder(), NO_SUBMISSION));
            }
        }
        rows.sort((a, b) -> a.submission().compareTo(b.submission()));
        ClassTable.Class klass = new ClassTable.Class(rows, learners, ClassInsights.of(outDir, rows), platform);
        for (ClassTable table : ClassTable.ALL) {
            table.write(klass, outDir);
        }
        return rows;
    }
}
