package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.cli.GraderCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grades back into the gradebook: a small class graded for real (the solution, the starter, and
 * two submissions with nothing to grade), then a Canvas export (UTF-8 with a byte order mark, a
 * posting row, a Points Possible row, quoted cells) and a Moodle export (windows-1252, CRLF) filled
 * from its results. The fixtures are in {@code src/test/resources/gradebook}; the copies are
 * compared with them by a splitter of this test's own, not the grader's reader.
 */
@Tag("selftest")
@DisplayName("Grades back into the gradebook")
@ExtendWith(SelfTestCondition.class)
class GradebookSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path FIXTURES = KIT.resolve("grader/src/test/resources/gradebook");
    /** The lesson's column in each fixture, and the rows (0-based, the heading is 0) of the learners the roster matches. */
    private static final int CANVAS_COLUMN = 6;
    private static final int MOODLE_COLUMN = 7;

    @Test
    @DisplayName("a graded class fills Canvas's and Moodle's exports: only the lesson's cells of matched learners change, to results.csv's scores, and the unmatched are listed on both sides")
    void fillsCanvasAndMoodle() throws Exception {
        Path base = WORK.resolve("gradebook");
        Catalogue.deleteRecursively(base);
        Path in = base.resolve("class");
        Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), in.resolve("ann/src/main/java"));
        Catalogue.copyTree(KIT.resolve("lesson-starter/src/main/java"), in.resolve("ben/lesson-starter/src/main/java"));
        Files.createDirectories(in.resolve("fay"));
        Files.writeString(in.resolve("fay/notes.txt"), "I ran out of time\n");
        Files.createDirectories(in.resolve("gus"));
        Files.writeString(in.resolve("gus/notes.txt"), "not on the roster, nor in any gradebook\n");
        Path exports = base.resolve("exports");
        Files.createDirectories(exports);
        for (String fixture : List.of("canvas-export.csv", "moodle-export.csv", "roster.csv")) {
            Files.copy(FIXTURES.resolve(fixture), exports.resolve(fixture));
        }
        Path out = base.resolve("results");
        byte[] canvasBefore = Files.readAllBytes(exports.resolve("canvas-export.csv"));
        byte[] moodleBefore = Files.readAllBytes(exports.resolve("moodle-export.csv"));

        String printed = classroom(in.toString(), "--out", out.toString(), "--roster", exports.resolve("roster.csv").toString(),
                "--gradebook", exports.resolve("canvas-export.csv").toString(), "--kit", KIT.toString());

        Map<String, String> scores = scores(out.resolve("results.csv"));
        assertThat(scores).containsEntry("ann", "50").containsEntry("ben", "0").containsEntry("fay", "0").containsEntry("gus", "0");
        assertThat(exports.resolve("canvas-export.csv")).as("the export itself").hasBinaryContent(canvasBefore);
        byte[] canvas = Files.readAllBytes(out.resolve("gradebook-canvas.csv"));
        assertThat(canvas).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
        sameButTheLessonCells(canvasBefore, canvas, ',', Map.of(
                3, Map.of(CANVAS_COLUMN, scores.get("ann")),                   // matched by SIS User ID
                4, Map.of(CANVAS_COLUMN, "\"" + scores.get("ben") + "\""),     // by SIS Login ID = e-mail; its quotes kept
                5, Map.of(CANVAS_COLUMN, scores.get("fay"))));                 // nothing to grade: results.csv's 0
        String canvasUnmatched = Files.readString(out.resolve("gradebook-unmatched.txt"));
        assertThat(canvasUnmatched).contains("  Stone, \"Pat\" (s1005, pstone, 105), line 7\n")
                .contains("gus: 0/50 (not graded: no server sources").doesNotContain("Student, Test").doesNotContain("zed");
        assertThat(printed).contains("EchoKit gradebook — Canvas's \"Connection limits (12345)\", filled for 3 learners (points out of 50)")
                .contains("    Stone, \"Pat\" (s1005, pstone, 105)").contains("gus: 0/50");

        // Regrade one learner and fill Moodle's export from the same results; the roster is the one remembered.
        printed = classroom(in.toString(), "--out", out.toString(), "--only", "fay", "--gradebook", exports.resolve("moodle-export.csv").toString(),
                "--kit", KIT.toString());

        assertThat(scores(out.resolve("results.csv"))).isEqualTo(scores);
        assertThat(exports.resolve("moodle-export.csv")).as("the export itself").hasBinaryContent(moodleBefore);
        byte[] moodle = Files.readAllBytes(out.resolve("gradebook-moodle.csv"));
        sameButTheLessonCells(moodleBefore, moodle, ',', Map.of(
                1, Map.of(MOODLE_COLUMN, scores.get("ann")),                   // by ID number
                2, Map.of(MOODLE_COLUMN, scores.get("ben")),                   // by e-mail, whatever its case
                3, Map.of(MOODLE_COLUMN, scores.get("fay"))));
        assertThat(new String(moodle, java.nio.charset.Charset.forName("windows-1252"))).contains("Pat,Müller,s1005");
        assertThat(Files.readString(out.resolve("gradebook-unmatched.txt")))
                .contains("In the gradebook, but no submission in the results matches them").contains("  Pat Müller (s1005, pat.mueller@example.edu), line 5\n")
                .contains("In the results, but in no row of the gradebook").contains("gus: 0/50");
        assertThat(printed).contains("Moodle's \"Assignment: w02-l12 Connection limits (Real)\", filled for 3 learners (points out of 50)");
    }

    private static String classroom(String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream before = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            List<String> all = new ArrayList<>(List.of("classroom"));
            all.addAll(List.of(args));
            exit = GraderCommand.commandLine().execute(all.toArray(String[]::new));
        } finally {
            System.setOut(before);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        return text;
    }

    /**
     * The copy is the export byte for byte but for {@code changes} (record → column → the cell's
     * raw new text): every record, every cell, every quote and line ending, compared as raw text
     * decoded byte for byte.
     */
    private static void sameButTheLessonCells(byte[] before, byte[] after, char separator, Map<Integer, Map<Integer, String>> changes) {
        List<List<String>> was = raw(new String(before, StandardCharsets.ISO_8859_1), separator);
        List<List<String>> is = raw(new String(after, StandardCharsets.ISO_8859_1), separator);
        assertThat(is).as("records").hasSameSizeAs(was);
        for (int r = 0; r < was.size(); r++) {
            assertThat(is.get(r)).as("cells of record " + r).hasSameSizeAs(was.get(r));
            for (int c = 0; c < was.get(r).size(); c++) {
                String expected = changes.getOrDefault(r, Map.of()).getOrDefault(c, was.get(r).get(c));
                assertThat(is.get(r).get(c)).as("record " + r + ", cell " + c).isEqualTo(expected);
            }
        }
    }

    /** Raw cells, quotes kept, split at separators and line feeds outside quotes; a line's end is a cell of its own ("\n", "\r" stays before it). */
    private static List<List<String>> raw(String text, char separator) {
        List<List<String>> records = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                cell.append(c);
            } else if (!quoted && c == separator) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (!quoted && c == '\n') {
                cells.add(cell.toString());
                cells.add("\n");
                cell.setLength(0);
                records.add(cells);
                cells = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (cell.length() > 0 || !cells.isEmpty()) {
            cells.add(cell.toString());
            records.add(cells);
        }
        return records;
    }

    /** results.csv's score per submission, read with this test's own splitter. */
    private static Map<String, String> scores(Path resultsCsv) throws IOException {
        List<List<String>> records = raw(Files.readString(resultsCsv), ',');
        List<String> header = records.get(0);
        Map<String, String> scores = new HashMap<>();
        for (List<String> record : records.subList(1, records.size())) {
            scores.put(unquoted(record.get(header.indexOf("submission"))), unquoted(record.get(header.indexOf("score"))));
        }
        return scores;
    }

    private static String unquoted(String raw) {
        return raw.startsWith("\"") ? raw.substring(1, raw.length() - 1).replace("\"\"", "\"") : raw;
    }
}
