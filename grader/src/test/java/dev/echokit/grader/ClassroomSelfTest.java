package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The instructor's side: a class folder in every shape learners hand work in, and results an
 * instructor keeps. Hostile submissions have their own self-test, {@link ContainmentSelfTest}.
 */
@Tag("selftest")
@DisplayName("Classroom grading")
@ExtendWith(SelfTestCondition.class)
class ClassroomSelfTest {

    private static final Path KIT = Path.of(System.getProperty("grader.kitRoot", "..")).toAbsolutePath().normalize();
    private static final Path WORK = Path.of(System.getProperty("grader.workDir", "target")).toAbsolutePath();
    private static final Path SOLUTION = KIT.resolve("lesson-solution/src/main/java");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    @DisplayName("every layout is found — a kit copy, one ten folders deep, a zip, loose files, a module — and the rest say why not")
    void everyLayoutIsFound() throws Exception {
        Path in = WORK.resolve("layouts/class");
        Catalogue.deleteRecursively(in);
        kitCopy(in.resolve("ann"));
        Path deep = in.resolve("ben");
        for (int i = 1; i <= 10; i++) {
            deep = deep.resolve("wrap" + i);
        }
        kitCopy(deep.resolve("EchoKit-main"));
        Path module = WORK.resolve("layouts/cat-module");
        Catalogue.deleteRecursively(module);
        Catalogue.copyTree(SOLUTION, module.resolve("lesson-starter/src/main/java"));
        zip(module, in.resolve("cat.zip"));
        Catalogue.copyTree(SOLUTION.resolve("dev/echokit/server"), in.resolve("dan"));          // loose .java files
        Catalogue.copyTree(SOLUTION, in.resolve("eve/my-server/src/main/java"));               // a module folder
        Files.createDirectories(in.resolve("fay"));
        Files.writeString(in.resolve("fay/notes.txt"), "I ran out of time\n");                // nothing to grade
        Catalogue.copyTree(SOLUTION, in.resolve("gus/first/src/main/java"));
        Catalogue.copyTree(SOLUTION, in.resolve("gus/second/src/main/java"));                  // two candidates
        Path out = WORK.resolve("layouts/results");
        Catalogue.deleteRecursively(out);

        List<Classroom.Graded> graded = Classroom.gradeAll(in, KIT, out, 2, QUIET, Platform.detect());
        Path roster = WORK.resolve("layouts/roster.csv");
        Files.writeString(roster, "folder,id,name,email\nann,s1,Ann Lee,ann@example.org\nzed,s9,\"Zed, Jr.\",zed@example.org\n");
        List<Classroom.Row> rows = Classroom.writeTables(out, Optional.of(roster));
        Map<String, Classroom.Row> byName = rows.stream().collect(Collectors.toMap(Classroom.Row::submission, r -> r));

        assertThat(graded).hasSize(7);
        for (String correct : List.of("ann", "ben", "cat", "dan", "eve")) {
            assertThat(byName.get(correct).score()).as(correct + ": " + byName.get(correct).problem()).isEqualTo(50);
        }
        assertThat(graded).filteredOn(g -> g.verdict() != null).hasSize(5)
                .allSatisfy(g -> assertThat(g.verdict().passed()).as(g.row().submission() + ": " + g.verdict().with(Status.FAILED)).isTrue());
        assertThat(byName.get("ann").gradedPath()).endsWith("lesson-starter/src/main/java");
        assertThat(byName.get("fay").problem()).startsWith("not graded: no server sources");
        assertThat(byName.get("gus").problem()).startsWith("not graded: 2 candidate source sets: ").contains("first/src/main/java");
        assertThat(byName.get("zed").problem()).isEqualTo("not graded: no submission");

        String csv = Files.readString(out.resolve("results.csv"));
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("id,name,email,submission,score,max,echo,echo reason,task:1");
        assertThat(csv).contains("s1,Ann Lee,ann@example.org,ann,50,50").contains("s9,\"Zed, Jr.\",zed@example.org,zed,0,50");
        assertThat(Files.readString(out.resolve("results.md"))).contains("same code as").contains("Ann Lee (ann)");
        assertThat(out.resolve("ann/feedback.md")).content(StandardCharsets.UTF_8).contains("Score: **50/50**").contains("rejected connection");
        assertThat(out.resolve("ann/grader-report.json")).exists();

        // Regrade one learner into the same results: the others' rows stay as they were.
        Files.writeString(in.resolve("fay/notes.txt"), "still nothing\n");
        Classroom.grade(in, KIT, out, 1, QUIET, Platform.detect(), Set.of("fay"));
        assertThat(Classroom.writeTables(out, Optional.of(roster))).hasSameSizeAs(rows);
        assertThat(Files.readString(out.resolve("results.csv"))).contains("ann,50,50");
    }

    private static void kitCopy(Path root) throws IOException {
        Catalogue.copyTree(SOLUTION, root.resolve("lesson-starter/src/main/java"));
        Catalogue.copyTree(SOLUTION, root.resolve("lesson-solution/src/main/java"));
        Catalogue.copyTree(KIT.resolve("grader/src/main/java/dev/echokit/grader/flood"), root.resolve("grader/src/main/java/flood"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    }

    private static void zip(Path folder, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); var walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry("cat-submission/" + folder.relativize(file)));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }
}
