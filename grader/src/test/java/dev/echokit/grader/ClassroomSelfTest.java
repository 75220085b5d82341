package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.classroom.Classroom;
import dev.echokit.grader.classroom.Graded;
import dev.echokit.grader.classroom.Row;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.process.ContainmentSelfTest;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.process.ServerFiles;
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

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
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

        List<Graded> graded = Classroom.gradeAll(in, KIT, out, 2, QUIET, Platform.detect());
        Path roster = WORK.resolve("layouts/roster.csv");
        Files.writeString(roster, "folder,id,name,email\nann,s1,Ann Lee,ann@example.org\nzed,s9,\"Zed, Jr.\",zed@example.org\n");
        List<Row> rows = Classroom.writeTables(out, Optional.of(roster));
        Map<String, Row> byName = rows.stream().collect(Collectors.toMap(Row::submission, r -> r));

        assertThat(graded).hasSize(7);
        for (String correct : List.of("ann", "ben", "cat", "dan", "eve")) {
            assertThat(byName.get(correct).score()).as(correct + ": " + byName.get(correct).notGraded()).isEqualTo(50);
        }
        // Each correct one passed every check, as its own report says (a grading in a network of its own leaves only that).
        assertThat(graded).filteredOn(g -> g.row().notGraded() == null).hasSize(5).allSatisfy(g ->
                assertThat(out.resolve(g.row().submission()).resolve("grader-report.json")).content().contains("\"status\" : \"passed\""));
        assertThat(byName.get("ann").gradedPath()).endsWith("lesson-starter/src/main/java");
        assertThat(byName.get("fay").notGraded().words()).startsWith("not graded: no server sources");
        assertThat(byName.get("gus").notGraded().words()).startsWith("not graded: 2 candidate source sets: ").contains("first/src/main/java");
        assertThat(byName.get("zed").notGraded().words()).isEqualTo("not graded: no submission");

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

    @Test
    @DisplayName("the edges of a real class — a BOM, windows-1252, a .tar.gz, a Mac zip, src's contents, a .rar, a grader failure — each get a row, and nothing is left in /tmp")
    void everySubmissionGetsARow() throws Exception {
        Path in = WORK.resolve("edges/class");
        Catalogue.deleteRecursively(in);
        Path bom = in.resolve("bob/src/main/java");
        Catalogue.copyTree(SOLUTION, bom);
        try (var walk = Files.walk(bom)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                byte[] text = Files.readAllBytes(file);
                byte[] withBom = new byte[text.length + 3];
                withBom[0] = (byte) 0xEF;
                withBom[1] = (byte) 0xBB;
                withBom[2] = (byte) 0xBF;
                System.arraycopy(text, 0, withBom, 3, text.length);
                Files.write(file, withBom);
            }
        }
        Path ansi = in.resolve("Jane Doe (late)/EchoKit/lesson-starter/src/main/java");
        Catalogue.copyTree(SOLUTION, ansi);
        Path connection = ansi.resolve(Catalogue.CONNECTION);
        Files.write(connection, ("// R\u00e9sum\u00e9 \u2013 \u201cgive the slot back\u201d\r\n" + Files.readString(connection).replace("\n", "\r\n"))
                .getBytes(java.nio.charset.Charset.forName("windows-1252")));
        Files.createDirectories(ansi.resolveSibling("target/classes"));                                 // a stale build
        Files.writeString(ansi.resolveSibling("target/classes/Stale.java"), "this is not Java");
        Path staged = WORK.resolve("edges/staged");
        Catalogue.deleteRecursively(staged);
        Catalogue.copyTree(SOLUTION, staged.resolve("tim/src/main/java"));
        Map<String, byte[]> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(staged)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = staged.relativize(file).toString();
                files.put(name, Files.readAllBytes(file));
                files.put("__MACOSX/" + name.replaceFirst("[^/]+$", "._$0"), new byte[] {0, 5, 22, 7});
            }
        }
        IntakeTest.tar(in.resolve("tim.tar.gz"), true, files);
        IntakeTest.zip(in.resolve("mia.zip"), files);
        Catalogue.copyTree(SOLUTION, in.resolve("sam/main/java"));                                   // the contents of src
        Files.createDirectories(in.resolve("sam/test/java/dev/echokit/server"));
        Files.writeString(in.resolve("sam/test/java/dev/echokit/server/EchoServerTest.java"), "package dev.echokit.server;\n\n"
                + "import static org.assertj.core.api.Assertions.assertThat;\n\nclass EchoServerTest {\n}\n");
        Files.write(in.resolve("rex.rar"), new byte[] {'R', 'a', 'r', '!', 0x1A, 7, 0});
        Catalogue.copyTree(SOLUTION, in.resolve("uma/src/main/java"));
        Files.writeString(in.resolve("roster.csv"), "folder,id,name,email\n");                         // not a submission
        Path out = WORK.resolve("edges/results");
        Catalogue.deleteRecursively(out);
        Files.createDirectories(out.resolve("uma"));
        Files.writeString(out.resolve("uma/work"), "a file where the grader wants its folder");       // the grader fails on uma
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<String> tmpBefore = echokitFolders(tmp);

        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        List<Graded> graded = Classroom.gradeAll(in, KIT, out, 2, new PrintStream(progress, true, StandardCharsets.UTF_8), Platform.detect());
        Map<String, Row> byName = Classroom.writeTables(out, Optional.empty()).stream()
                .collect(Collectors.toMap(Row::submission, r -> r));

        List<String> names = List.of("Jane Doe (late)", "bob", "mia", "rex", "sam", "tim", "uma");
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(names);
        for (String correct : List.of("Jane Doe (late)", "bob", "mia", "sam", "tim")) {
            assertThat(byName.get(correct).score()).as(correct + ": " + byName.get(correct).notGraded()).isEqualTo(50);
            assertThat(out.resolve(correct).resolve("feedback.md")).content(StandardCharsets.UTF_8).contains("Score: **50/50**");
        }
        assertThat(out.resolve("Jane Doe (late)/feedback.md")).content(StandardCharsets.UTF_8)
                .contains("note: read dev/echokit/server/Connection.java as windows-1252, not UTF-8: save your files as UTF-8");
        assertThat(byName.get("sam").gradedPath()).endsWith("sam/main/java"); // its tests (AssertJ) would not compile
        assertThat(byName.get("rex").notGraded().words()).isEqualTo("not graded: rex.rar is a .rar archive, which the grader cannot open;"
                + " hand in a .zip instead (a .tar.gz works too)");
        assertThat(out.resolve("rex/feedback.md")).content(StandardCharsets.UTF_8).contains("Score: **0/50**").contains("hand in a .zip");
        assertThat(byName.get("uma").notGraded().words()).startsWith("grader error: a file could not be read or written").doesNotContain("Exception");
        assertThat(out.resolve("uma/feedback.md")).content(StandardCharsets.UTF_8).contains("tell your instructor");
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertThat(lines.lines().filter(l -> l.matches("  \\[\\d+/7\\] .*"))).as(lines).hasSize(7);
        names.forEach(name -> assertThat(lines).contains("] " + name + " "));
        assertThat(echokitFolders(tmp)).as("folders left in " + tmp).isSubsetOf(tmpBefore);
        assertThat(ServerFiles.MADE).as("the gradings' server folders, each removed when its grading ended").noneMatch(Files::exists);
    }

    /** The grader's own temp folders (compare's unpacked copy; a grading's server folders are checked by ServerFiles.MADE), not other programs' on a shared machine. */
    private static Set<String> echokitFolders(Path tmp) throws IOException {
        try (var list = Files.list(tmp)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("echokit-compare-")).collect(Collectors.toSet());
        }
    }

    private static void kitCopy(Path root) throws IOException {
        Catalogue.copyTree(SOLUTION, root.resolve("lesson-starter/src/main/java"));
        Catalogue.copyTree(SOLUTION, root.resolve("lesson-solution/src/main/java"));
        Catalogue.copyTree(KIT.resolve("grader/flood/src/main/java/dev/echokit/flood"), root.resolve("grader/src/main/java/flood"));
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
