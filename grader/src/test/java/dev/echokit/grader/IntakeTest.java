package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.classroom.Roster;
import dev.echokit.grader.classroom.Submissions;
import dev.echokit.grader.compile.Compilation;
import dev.echokit.grader.intake.Archives;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.SourceText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a submission's files are found and read, without starting a server: encodings, archives, tests left out. */
@Tag("selftest")
@DisplayName("The intake")
@ExtendWith(SelfTestCondition.class)
class IntakeTest {

    private static final Path WORK = SelfTestPaths.WORK.resolve("intake-test");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final String HELLO = "package demo;\n\n/** Caf\u00e9 \u201cserver\u201d. */\npublic class Hello {\n"
            + "    public static void main(String[] args) {\n        System.out.println(\"h\u00e9\");\n    }\n}\n";

    @Test
    @DisplayName("source text: a byte-order mark is dropped, UTF-8 is strict, windows-1252 and then ISO-8859-1 are the fallbacks")
    void sourceTextDecodes() {
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "class A {}".getBytes(StandardCharsets.UTF_8));
        assertThat(SourceText.decode(bom)).isEqualTo(new SourceText("class A {}", StandardCharsets.UTF_8));
        assertThat(SourceText.decode("// h\u00e9".getBytes(StandardCharsets.UTF_8)).text()).isEqualTo("// h\u00e9");
        SourceText ansi = SourceText.decode("// caf\u00e9 \u201cquoted\u201d".getBytes(WINDOWS_1252));
        assertThat(ansi.charset()).isEqualTo(WINDOWS_1252);
        assertThat(ansi.text()).isEqualTo("// caf\u00e9 \u201cquoted\u201d");
        assertThat(ansi.notUtf8()).isTrue();
        SourceText latin = SourceText.decode(new byte[] {'/', '/', (byte) 0x81, (byte) 0xE9});  // 0x81 is not windows-1252
        assertThat(latin.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(latin.text()).isEqualTo("//\u0081\u00e9");
        assertThat(SourceText.decode("a\r\nb\rc\n".getBytes(StandardCharsets.UTF_8)).lines()).containsExactly("a", "b", "c");
    }

    @Test
    @DisplayName("a file with a byte-order mark and one in windows-1252 compile, and the learner is told which file was not UTF-8")
    void encodingsCompile() throws Exception {
        Path dir = fresh("encodings");
        Path sources = dir.resolve("src/main/java/demo");
        Files.createDirectories(sources);
        Files.write(sources.resolve("Hello.java"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, HELLO.getBytes(StandardCharsets.UTF_8)));
        Files.write(sources.resolve("Other.java"), "package demo;\n// \u00e9t\u00e9 \u2013 \u201cr\u00e9sum\u00e9\u201d\nclass Other {}\n".getBytes(WINDOWS_1252));
        Intake.Found found = Intake.find(dir, dir.resolve("scratch"));
        Compilation compilation = Compilation.compile(found.sources(), found.files(), dir.resolve("classes"));
        assertThat(compilation.errors()).isEmpty();
        assertThat(compilation.succeeded()).isTrue();
        assertThat(compilation.mainClass()).contains("demo.Hello");
        assertThat(compilation.notes()).containsExactly("read demo/Other.java as windows-1252, not UTF-8: save your files as UTF-8");

        // The same bytes still fail when the code itself is wrong: decoding forgives encodings, not mistakes.
        Files.write(sources.resolve("Other.java"), "package demo;\n// \u00e9t\u00e9\nclass Other { int x = ; }\n".getBytes(WINDOWS_1252));
        Compilation broken = Compilation.compile(found.sources(), found.files(), dir.resolve("classes"));
        assertThat(broken.succeeded()).isFalse();
        assertThat(broken.errors()).singleElement().asString().startsWith("demo/Other.java:3: ");
    }

    @Test
    @DisplayName("the contents of src (main/java beside test/java) grade main/java only, and say the tests were left out")
    void srcContentsLeaveTestsOut() throws Exception {
        Path dir = fresh("src-contents");
        write(dir.resolve("main/java/demo/Hello.java"), HELLO);
        write(dir.resolve("test/java/demo/HelloTest.java"), "package demo;\nimport static org.assertj.core.api.Assertions.assertThat;\nclass HelloTest {}\n");
        Intake.Found found = Intake.find(dir, dir.resolve("scratch"));
        assertThat(found.sources()).isEqualTo(dir.resolve("main/java"));
        assertThat(found.files()).containsExactly(dir.resolve("main/java/demo/Hello.java"));
        assertThat(found.notes()).as("tests in their usual place need no word").isEmpty();

        // Loose files: a file that imports JUnit is a test, left out by name; the server's files stay.
        Path loose = fresh("loose-with-test");
        write(loose.resolve("Hello.java"), HELLO);
        write(loose.resolve("HelloTest.java"), "package demo;\nimport org.junit.jupiter.api.Test;\nclass HelloTest {}\n");
        Intake.Found looseFound = Intake.find(loose, loose.resolve("scratch"));
        assertThat(looseFound.files()).containsExactly(loose.resolve("Hello.java"));
        assertThat(looseFound.notes()).containsExactly("left out a test file, HelloTest.java: the grader compiles only the server");

        // Sources beside a module folder are not graded, and the learner is told which set was.
        Path both = fresh("module-and-loose");
        write(both.resolve("my-server/src/main/java/demo/Hello.java"), HELLO);
        write(both.resolve("old/Hello.java"), HELLO);
        assertThat(Intake.find(both, both.resolve("scratch")).notes())
                .containsExactly("graded the sources in my-server/src/main/java; the .java files in old were not graded");
    }

    @Test
    @DisplayName(".zip (from a Mac, with __MACOSX and ._ files), .tar, .tar.gz and .tgz are unpacked and graded alike")
    void archivesAreRead() throws Exception {
        Path dir = fresh("archives");
        Map<String, byte[]> macZip = Map.of(
                "Jane Doe (late)/src/main/java/demo/Hello.java", HELLO.getBytes(StandardCharsets.UTF_8),
                "__MACOSX/Jane Doe (late)/src/main/java/demo/._Hello.java", new byte[] {0, 5, 22, 7, 0, 2, 0, 0},
                "Jane Doe (late)/src/main/java/demo/._Hello.java", new byte[] {0, 5, 22, 7, 0, 2, 0, 0});
        zip(dir.resolve("jane.zip"), macZip);
        tar(dir.resolve("tom.tar"), false, macZip);
        tar(dir.resolve("tia.tar.gz"), true, macZip);
        tar(dir.resolve("ted.tgz"), true, macZip);
        for (String name : List.of("jane.zip", "tom.tar", "tia.tar.gz", "ted.tgz")) {
            Intake.Found found = Intake.find(dir.resolve(name), dir.resolve("scratch-" + name));
            assertThat(found.graded()).as(name + ": " + found.notGraded()).isTrue();
            assertThat(found.files()).as(name).singleElement().asString().endsWith("Jane Doe (late)/src/main/java/demo/Hello.java");
            assertThat(Compilation.compile(found.sources(), found.files(), dir.resolve("classes-" + name)).succeeded()).as(name).isTrue();
        }
        assertThat(Submissions.nameOf(dir.resolve("tia.tar.gz"))).isEqualTo("tia");
        assertThat(Submissions.nameOf(dir.resolve("ted.tgz"))).isEqualTo("ted");

        // A zip with no name ending is still read, by its first bytes.
        Files.copy(dir.resolve("jane.zip"), dir.resolve("jane-upload"));
        assertThat(Intake.find(dir.resolve("jane-upload"), dir.resolve("scratch-noext")).graded()).isTrue();

        // A zip left as the one file of a folder (as Gradescope stores an uploaded zip) is unpacked too.
        Path gradescope = dir.resolve("submission");
        Files.createDirectories(gradescope);
        Files.copy(dir.resolve("jane.zip"), gradescope.resolve("work.zip"));
        Intake.Found inFolder = Intake.find(gradescope, dir.resolve("scratch-gradescope"));
        assertThat(inFolder.graded()).as(String.valueOf(inFolder.notGraded())).isTrue();
        Files.copy(dir.resolve("tom.tar"), gradescope.resolve("again.tar"));
        assertThat(Intake.find(gradescope, dir.resolve("scratch-gradescope2")).notGraded().words())
                .isEqualTo("not graded: no sources, but 2 archives (again.tar, work.zip); leave one");
    }

    @Test
    @DisplayName("archives that escape their folder or explode are refused, and other formats are named with a request for a zip")
    void badArchivesAreRefused() throws Exception {
        Path dir = fresh("bad-archives");
        zip(dir.resolve("escape.zip"), Map.of("ok/Hello.java", HELLO.getBytes(StandardCharsets.UTF_8), "../../escaped.txt", "x".getBytes()));
        assertThat(Intake.find(dir.resolve("escape.zip"), dir.resolve("s1")).notGraded().words())
                .isEqualTo("not graded: escape.zip: the archive has an entry that points outside it (../../escaped.txt)");
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
        assertThat(WORK.resolve("escaped.txt")).doesNotExist();
        tar(dir.resolve("absolute.tar.gz"), true, Map.of("/tmp/echokit-absolute.txt", "x".getBytes()));
        assertThat(Intake.find(dir.resolve("absolute.tar.gz"), dir.resolve("s2")).notGraded().words()).contains("points outside it (/tmp/echokit-absolute.txt)");
        assertThat(Path.of("/tmp/echokit-absolute.txt")).doesNotExist();
        zip(dir.resolve("windows.zip"), Map.of("..\\..\\escaped.txt", "x".getBytes()));
        assertThat(Intake.find(dir.resolve("windows.zip"), dir.resolve("s3")).notGraded().words()).contains("points outside it");

        // 40 MiB of zeros packs into some 40 KiB: a bomb, refused long before it fills the disk.
        zip(dir.resolve("bomb.zip"), Map.of("src/main/java/Zeros.java", new byte[40 * 1024 * 1024]));
        assertThat(Files.size(dir.resolve("bomb.zip"))).isLessThan(200 * 1024);
        assertThat(Intake.find(dir.resolve("bomb.zip"), dir.resolve("s4")).notGraded().words()).contains("archive bomb");
        // The same bytes spread over honest sources are not a bomb: the ratio, not the size, decides.
        assertThat(Archives.MAX_RATIO).isGreaterThan(20);

        Files.write(dir.resolve("work.rar"), new byte[] {'R', 'a', 'r', '!', 0x1A, 7, 0});
        assertThat(Intake.find(dir.resolve("work.rar"), dir.resolve("s5")).notGraded().words())
                .isEqualTo("not graded: work.rar is a .rar archive, which the grader cannot open; hand in a .zip instead (a .tar.gz works too)");
        Files.write(dir.resolve("mystery"), new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0});
        assertThat(Intake.find(dir.resolve("mystery"), dir.resolve("s6")).notGraded().words()).contains("is a 7-Zip archive");
        Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(Intake.find(dir.resolve("notes.txt"), dir.resolve("s7")).notGraded().words()).contains("neither a folder nor an archive");
        Files.write(dir.resolve("broken.zip"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        assertThat(Intake.find(dir.resolve("broken.zip"), dir.resolve("s8")).notGraded().words()).startsWith("not graded: broken.zip: the archive cannot be read");
    }

    @Test
    @DisplayName("the class folder's submissions: folders and archives of any kind; a roster or notes beside them are not")
    void classFolderEntries() throws Exception {
        Path dir = fresh("class-entries");
        Files.createDirectories(dir.resolve("ann"));
        zip(dir.resolve("ben.zip"), Map.of("Hello.java", HELLO.getBytes(StandardCharsets.UTF_8)));
        Files.write(dir.resolve("cat.rar"), new byte[] {'R', 'a', 'r', '!', 0x1A, 7, 0});
        Files.writeString(dir.resolve("roster.csv"), "folder,id,name,email\n");
        Files.writeString(dir.resolve(".DS_Store"), "");
        assertThat(Submissions.in(dir).stream().map(Submissions::nameOf)).containsExactly("ann", "ben", "cat");
        assertThat(Submissions.notSubmissions(dir)).containsExactly("roster.csv");
        assertThat(Submissions.nearest("bne", List.of("ann", "ben", "cat", "benjamin"))).startsWith("ben");
        assertThat(Submissions.nearest("zzzzzzzzzz", List.of("ann", "ben"))).isEmpty();
    }

    @Test
    @DisplayName("a roster given once is remembered in the results folder; a later run without --roster keeps it")
    void rosterIsRemembered() throws Exception {
        Path dir = fresh("roster");
        Path roster = dir.resolve("my-roster.csv");
        Files.write(roster, "folder,id,name,email\nann,s1,Ann M\u00fcller,ann@example.org\n".getBytes(WINDOWS_1252)); // as a spreadsheet saves it
        Path out = dir.resolve("results");
        assertThat(Roster.remember(Optional.empty(), out)).isEmpty();
        Optional<Path> kept = Roster.remember(Optional.of(roster), out);
        assertThat(kept).contains(out.resolve("roster.csv"));
        assertThat(Roster.remember(Optional.empty(), out)).contains(out.resolve("roster.csv"));
        assertThat(Roster.read(kept.get()).get("ann").name()).isEqualTo("Ann M\u00fcller");
    }

    private static Path fresh(String name) throws IOException {
        Path dir = WORK.resolve(name);
        Catalogue.deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static void zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    static void tar(Path file, boolean gzip, Map<String, byte[]> entries) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream packed = gzip ? new GzipCompressorOutputStream(raw) : raw;
             TarArchiveOutputStream out = new TarArchiveOutputStream(packed)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true); // as given, leading slash and all
                entry.setSize(e.getValue().length);
                out.putArchiveEntry(entry);
                out.write(e.getValue());
                out.closeArchiveEntry();
            }
        }
    }
}
