package dev.echokit.grader.classroom;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echokit.grader.Catalogue;
import dev.echokit.grader.Parts;
import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.intake.NotGraded;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gradebook's reader and filler on small exports and rows made by hand: no grading, no sockets. */
@Tag("selftest")
@DisplayName("Gradebooks, cell by cell")
@ExtendWith(SelfTestCondition.class)
class GradebookTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK.resolve("gradebook-cells");
    private static final String CANVAS_HEAD = "Student,ID,SIS User ID,SIS Login ID,Section,";

    @BeforeEach
    void fresh() throws IOException {
        Catalogue.deleteRecursively(WORK);
        Files.createDirectories(WORK.resolve("results"));
    }

    @Test
    @DisplayName("the lesson's id and title are its README's front matter, where a gradebook's column names come from")
    void lessonNamesAreTheReadmes() throws IOException {
        String front = Files.readString(KIT.resolve(Parts.LESSON.text()));
        assertThat(front).contains("\nid: " + Parts.LESSON.id() + "\n").contains("\ntitle: \"" + Parts.LESSON.title() + "\"\n");
        assertThat(Parts.LESSON.shortTitle()).isEqualTo("Connection limits");
    }

    @Test
    @DisplayName("Canvas's Points Possible other than 50 scales the score (37/50 of 10 points is 7.4), and says so")
    void scalesToPointsPossible() throws Exception {
        Path file = write("canvas.csv", CANVAS_HEAD + "Connection limits (7)\n    Points Possible,,,,,10\n\"Lee, Ann\",1,s1,alee,A,\n\"Okafor, Ben\",2,s2,bok,A,\n",
                StandardCharsets.UTF_8);
        Gradebook book = Gradebook.read(file, Optional.empty(), Parts.LESSON);
        Gradebook.Filled filled = book.fill(List.of(row("ann", 37), row("ben", 50)), Map.of(
                "ann", new Learner("ann", "s1", "Ann", ""), "ben", new Learner("ben", "s2", "Ben", "")), WORK.resolve("results"));

        assertThat(Files.readString(filled.copy())).contains("\"Lee, Ann\",1,s1,alee,A,7.4\n").contains("\"Okafor, Ben\",2,s2,bok,A,10\n");
        assertThat(book.scale()).isEqualTo("scaled to the column's 10 points possible (score × 10 / 50)");
        assertThat(book.points(33)).isEqualTo("6.6");
        assertThat(book.points(0)).isEqualTo("0");
    }

    @Test
    @DisplayName("the lesson's column is found by its title or id; none, two, a read-only total or a learner's column is refused with the columns it could fill")
    void findsTheLessonsColumn() throws Exception {
        String body = "\n    Points Possible,,,,,10,50,(read only)\n";
        Path none = write("none.csv", CANVAS_HEAD + "Quiz 1 (3),Echo server (4),Current Score" + body, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Gradebook.read(none, Optional.empty(), Parts.LESSON)).isInstanceOf(Gradebook.Unusable.class)
                .hasMessage("no column's heading holds \"Connection limits — refuse when full\" or \"Connection limits\" or \"w02-l12\";"
                        + " the columns it could fill: \"Quiz 1 (3)\", \"Echo server (4)\"; name one with --gradebook-column");
        Path two = write("two.csv", CANVAS_HEAD + "Connection limits (5),Connection limits — late (6),Current Score" + body, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Gradebook.read(two, Optional.empty(), Parts.LESSON))
                .hasMessageStartingWith("2 columns' headings hold").hasMessageContaining("\"Connection limits (5)\", \"Connection limits — late (6)\"");
        assertThat(Gradebook.read(two, Optional.of("Connection limits — late (6)"), Parts.LESSON).column()).isEqualTo("Connection limits — late (6)");
        assertThatThrownBy(() -> Gradebook.read(two, Optional.of("Current Score"), Parts.LESSON))
                .hasMessageStartingWith("the column \"Current Score\" is not one to fill: Canvas works it out itself (read only)");
        assertThatThrownBy(() -> Gradebook.read(two, Optional.of("SIS Login ID"), Parts.LESSON))
                .hasMessageStartingWith("the column \"SIS Login ID\" is not one to fill: it says who a learner is");
        assertThatThrownBy(() -> Gradebook.read(two, Optional.of("Connection Limits (5)"), Parts.LESSON))
                .hasMessageStartingWith("no column is headed \"Connection Limits (5)\"");
        Path letters = write("letters.csv", "First name,Last name,ID number,Email address,Assignment: Connection limits (Letter)\nAnn,Lee,s1,a@x.org,B\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Gradebook.read(letters, Optional.empty(), Parts.LESSON)).hasMessageContaining("grade display type Real");
    }

    @Test
    @DisplayName("a file that is no gradebook, one saved as UTF-16, and one with a quote left open are refused in words")
    void refusesWhatItCannotKeep() throws Exception {
        Path roster = write("roster.csv", "folder,id,name,email\nann,s1,Ann,a@x.org\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Gradebook.read(roster, Optional.empty(), Parts.LESSON))
                .hasMessageStartingWith("it is neither a Canvas export").hasMessageEndingWith("its first line: folder, id, name, email");
        Path utf16 = WORK.resolve("utf16.csv");
        Files.write(utf16, ("\uFEFF" + CANVAS_HEAD + "Connection limits (1)\n").getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> Gradebook.read(utf16, Optional.empty(), Parts.LESSON)).hasMessageContaining("UTF-16");
        Path open = write("open.csv", CANVAS_HEAD + "Connection limits (1)\n\"Lee, Ann,1,s1,alee,A,\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Gradebook.read(open, Optional.empty(), Parts.LESSON)).hasMessage("the quote that opens a cell on line 2 is never closed");
    }

    @Test
    @DisplayName("the export is never written over, even when it is given as its own copy's path")
    void neverOverwritesTheExport() throws Exception {
        Path copy = write("results/gradebook-canvas.csv", CANVAS_HEAD + "Connection limits (1)\n", StandardCharsets.UTF_8);
        Gradebook book = Gradebook.read(copy, Optional.empty(), Parts.LESSON);
        assertThatThrownBy(() -> book.checkCopyIn(WORK.resolve("results"))).hasMessageContaining("is the copy the grader writes");
    }

    @Test
    @DisplayName("a grader error, a learner who handed nothing in, two learners on one e-mail and a short row: each is said, none gets a wrong cell")
    void tellsWhatItLeftAlone() throws Exception {
        Path file = write("moodle.csv", "First name;Last name;ID number;Email address;Assignment: Connection limits (Real);Course total (Real)\r\n"
                + "Ann;Lee;s1;ann@x.org;-;0\r\n"
                + "Uma;Ito;s2;uma@x.org;-;0\r\n"
                + "Zed;Brown;s3;zed@x.org;-;0\r\n"
                + "Kim;Park;;kim@x.org;-;0\r\n"
                + "Kim;Park (second account);;kim@x.org;-;0\r\n"
                + "Dan;Ray;s5;dan@x.org\r\n", Charset.forName("windows-1252"));
        Gradebook book = Gradebook.read(file, Optional.empty(), Parts.LESSON);
        Map<String, Learner> roster = Map.of(
                "ann", new Learner("ann", "s1", "Ann Lee", "ann@x.org"),
                "uma", new Learner("uma", "s2", "Uma Ito", ""),
                "zed", new Learner("zed", "", "Zed Brown", "ZED@x.org"),
                "kim", new Learner("kim", "", "Kim Park", "kim@x.org"),
                "dan", new Learner("dan", "s5", "Dan Ray", ""));
        Gradebook.Filled filled = book.fill(List.of(row("ann", 42), new Row("uma", "", 0, NotGraded.graderError("disk full"), Map.of(), Map.of(), ""),
                new Row("zed", "", 0, ClassResults.NO_SUBMISSION, Map.of(), Map.of(), ""), row("kim", 50), row("dan", 20)), roster, WORK.resolve("results"));

        assertThat(Files.readString(filled.copy(), Charset.forName("windows-1252"))).isEqualTo(
                "First name;Last name;ID number;Email address;Assignment: Connection limits (Real);Course total (Real)\r\n"
                        + "Ann;Lee;s1;ann@x.org;42;0\r\n"
                        + "Uma;Ito;s2;uma@x.org;-;0\r\n"
                        + "Zed;Brown;s3;zed@x.org;-;0\r\n"
                        + "Kim;Park;;kim@x.org;-;0\r\n"
                        + "Kim;Park (second account);;kim@x.org;-;0\r\n"
                        + "Dan;Ray;s5;dan@x.org;20\r\n");
        assertThat(filled.filled()).isEqualTo(2);
        assertThat(filled.text()).contains("they handed nothing in (left as they were):\n  Zed Brown (s3, zed@x.org), zed on the roster")
                .contains("The grader failed on their submission").contains("  Uma Ito (s2, uma@x.org), submission uma: grader error: disk full")
                .contains("kim (Kim Park, kim@x.org) matches 2 learners");
        assertThat(WORK.resolve("results/gradebook-unmatched.txt")).content(StandardCharsets.UTF_8)
                .startsWith("EchoKit gradebook — \"Assignment: Connection limits (Real)\" of moodle.csv (Moodle), filled into gradebook-moodle.csv:"
                        + " 2 learners, points out of 50.\n\n");
    }

    @Test
    @DisplayName("the reader keeps quoted separators, doubled quotes and line breaks inside a cell, and a last line with no line break")
    void readsRfc4180() {
        byte[] text = "a,\"b, \"\"c\"\"\nd\",e\r\nf,,\"\"".getBytes(StandardCharsets.UTF_8);
        CsvFile csv = CsvFile.read(text);
        assertThat(csv.records()).hasSize(2);
        assertThat(csv.values(csv.records().get(0))).containsExactly("a", "b, \"c\"\nd", "e");
        assertThat(csv.values(csv.records().get(1))).containsExactly("f", "", "");
        assertThat(csv.records().get(1).line()).isEqualTo(3);
        assertThat(new String(csv.with(Map.of(1, Map.of(1, "9", 2, "7"))), StandardCharsets.UTF_8))
                .isEqualTo("a,\"b, \"\"c\"\"\nd\",e\r\nf,9,\"7\"");
        assertThat(csv.with(Map.of())).isEqualTo(text);
    }

    private static Row row(String name, int score) {
        return new Row(name, name + "/src/main/java", score, null, Map.of(), Map.of(), "");
    }

    private static Path write(String name, String text, Charset charset) throws IOException {
        Path file = WORK.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, text.getBytes(charset));
        return file;
    }
}
