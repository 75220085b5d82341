package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.process.ServerUser;
import dev.echokit.grader.report.JsonReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Gradescope bundle, run as Gradescope runs it: unzipped into {@code source/}, a submission
 * placed in {@code submission/}, then {@code run_autograder} with {@code AUTOGRADER_ROOT} set.
 */
@DisplayName("The Gradescope autograder bundle")
class GradescopeIT {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path ZIP = WORK.resolve("gradescope-autograder.zip");
    private static Path source;

    @BeforeAll
    static void unzipTheBundle() throws IOException {
        source = WORK.resolve("gradescope-it/source");
        Catalogue.deleteRecursively(source);
        Files.createDirectories(source);
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(ZIP))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                names.add(entry.getName());
                Files.copy(zip, source.resolve(entry.getName()));
            }
        }
        assertThat(names).as("the bundle's root").containsExactlyInAnyOrder("setup.sh", "run_autograder", "grader.jar", "jvm.config");
        assertThat(Files.readString(source.resolve("setup.sh"))).contains("apt-get install").contains("openjdk-17-jdk")
                .contains("bubblewrap").contains("util-linux");
        source.resolve("run_autograder").toFile().setExecutable(true);
    }

    @Test
    @DisplayName("the reference solution scores 50, one passed test per check in lesson order, the proof in the output")
    void solutionScoresFifty() throws Exception {
        JsonNode results = grade("solution", KIT.resolve("lesson-solution/src"), "src");
        assertThat(results.get("score").asDouble()).isEqualTo(50.0);
        assertThat(results.get("output").asString()).contains("total").contains("50/50").contains("rejected connection: at capacity (3/3)");
        List<JsonNode> tests = results.get("tests").valueStream().toList();
        assertThat(tests).isNotEmpty().allSatisfy(test -> {
            assertThat(test.get("status").asString()).isEqualTo("passed");
            assertThat(test.get("score").asDouble()).isEqualTo(test.get("max_score").asDouble());
            assertThat(test.get("visibility").asString()).isEqualTo("visible");
            assertThat(test.get("number").asString()).matches("\\d\\.\\d+");
        });
        // Whole shares: the tests add up to the total exactly, never 49.99 or 50.01.
        assertThat(tests).allSatisfy(t -> assertThat(t.get("max_score").isIntegralNumber()).as(t.toString()).isTrue());
        assertThat(tests.stream().mapToInt(t -> t.get("max_score").asInt()).sum()).isEqualTo(Parts.LESSON.maxXp());
        assertThat(tests.stream().mapToInt(t -> t.get("score").asInt()).sum()).isEqualTo(Parts.LESSON.maxXp());
        assertThat(results.get("output").asString()).startsWith("Total: 50/50\n");
        assertThat(tests.get(0).get("name").asString()).startsWith("Echo: ");
        assertThat(tests.stream().map(t -> t.get("number").asString()).toList()).isSortedAccordingTo(GradescopeIT::byNumber);
    }

    @Test
    @DisplayName("the untouched starter scores 0: task 1's checks fail with feedback, the others say they need task 1")
    void starterScoresZero() throws Exception {
        JsonNode results = grade("starter", KIT.resolve("lesson-starter"), "lesson-starter");
        assertThat(results.get("score").asDouble()).isZero();
        List<JsonNode> task1 = results.get("tests").valueStream().filter(t -> t.get("name").asString().startsWith("Task 1: ")).toList();
        assertThat(task1).isNotEmpty().allSatisfy(t -> assertThat(t.get("status").asString()).isEqualTo("failed"));
        assertThat(task1.get(0).get("output").asString()).contains("[task 1]").contains("where to look");
        assertThat(results.get("tests").valueStream().filter(t -> t.get("name").asString().startsWith("Task 3: ")))
                .isNotEmpty().allSatisfy(t -> {
                    assertThat(t.get("name").asString()).endsWith(" (not judged: needs task 1)");
                    assertThat(t.get("output").asString()).startsWith("Not judged: ").contains("needs task 1: ");
                });
        assertThat(task1).allSatisfy(t -> assertThat(t.get("name").asString()).doesNotContain("not judged"));
        assertThat(results.get("output").asString()).startsWith("Total: 0/50\n");
    }

    @Test
    @DisplayName("a zip uploaded as a file, made on a Mac, with a byte-order mark and a windows-1252 file inside, scores 50 and says which file to save as UTF-8")
    void zipWithOtherEncodingsScoresFifty() throws Exception {
        Path copy = WORK.resolve("gradescope-it/encodings/src/main/java");
        Catalogue.deleteRecursively(copy.getParent().getParent().getParent());
        Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), copy);
        Path server = copy.resolve(Catalogue.SERVER);
        Files.write(server, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Files.readAllBytes(server)));
        Path connection = copy.resolve(Catalogue.CONNECTION);
        Files.write(connection, ("// Gr\u00fc\u00dfe \u2013 \u201cConnection\u201d\n" + Files.readString(connection)).getBytes(java.nio.charset.Charset.forName("windows-1252")));
        Path upload = WORK.resolve("gradescope-it/encodings-upload");
        Catalogue.deleteRecursively(upload);
        Files.createDirectories(upload);
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(upload.resolve("my work.zip")));
             var walk = Files.walk(copy.getParent().getParent())) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = "echo/" + copy.getParent().getParent().relativize(file).toString().replace('\\', '/');
                zip.putNextEntry(new ZipEntry(name));
                Files.copy(file, zip);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("__MACOSX/" + name.replaceFirst("[^/]+$", "._$0")));
                zip.write(new byte[] {0, 5, 22, 7});
                zip.closeEntry();
            }
        }
        JsonNode results = grade("encodings", upload, "");
        assertThat(results.get("score").asDouble()).as(results.get("output").asString()).isEqualTo(50.0);
        assertThat(results.get("output").asString()).startsWith("Total: 50/50\n")
                .contains("note: read dev/echokit/server/Connection.java as windows-1252, not UTF-8: save your files as UTF-8");
    }

    @Test
    @DisplayName("a .rar, a failure of the grader itself, and a JVM that cannot start all still leave a valid results.json with score 0")
    void everyFailureLeavesResults() throws Exception {
        Path rar = WORK.resolve("gradescope-it/rar-upload");
        Catalogue.deleteRecursively(rar);
        Files.createDirectories(rar);
        Files.write(rar.resolve("work.rar"), new byte[] {'R', 'a', 'r', '!', 0x1A, 7, 0});
        JsonNode rarResults = grade("rar", rar, "");
        assertThat(rarResults.get("score").asDouble()).isZero();
        assertThat(rarResults.get("output").asString()).contains("work.rar is a .rar archive").contains("hand in a .zip");

        // The grader's own folder cannot be made: the grader fails, the learner still gets words and a 0.
        JsonNode failed = grade("grader-failure", KIT.resolve("lesson-solution/src"), "src",
                root -> Files.writeString(root.resolve("grader-work"), "a file where the grader wants a folder"));
        assertThat(failed.get("score").asDouble()).isZero();
        assertThat(failed.get("output").asString()).startsWith("Not graded: the grader could not grade this submission (")
                .contains("tell your instructor").doesNotContain("Exception:").doesNotContain("\tat ");

        // No JVM at all (a broken jar): run_autograder writes the result itself.
        Path broken = WORK.resolve("gradescope-it/broken-bundle");
        Catalogue.deleteRecursively(broken);
        Files.createDirectories(broken);
        Files.copy(source.resolve("run_autograder"), broken.resolve("run_autograder"));
        Files.writeString(broken.resolve("grader.jar"), "not a jar");
        JsonNode noJvm = grade("no-jvm", KIT.resolve("lesson-solution/src"), "src", root -> { }, broken.resolve("run_autograder"));
        assertThat(noJvm.get("score").asDouble()).isZero();
        assertThat(noJvm.get("output").asString()).startsWith("Not graded: the grader itself could not run");
    }

    @Test
    @DisplayName("a server with one mistake loses that task's share only")
    void brokenServerLosesOneTask() throws Exception {
        Catalogue.Broken noNewline = Catalogue.ALL.stream().filter(b -> b.name().equals("no-newline")).findFirst().orElseThrow();
        Path dir = Catalogue.materialise(noNewline, KIT.resolve("lesson-solution/src/main/java"), WORK.resolve("gradescope-it/no-newline"));
        JsonNode results = grade("no-newline", dir, "my-copy");
        assertThat(results.get("score").asDouble()).isBetween(40.0, 49.0);
        assertThat(results.get("tests").valueStream().filter(t -> t.get("status").asString().equals("failed")))
                .isNotEmpty().allSatisfy(t -> assertThat(t.get("name").asString()).startsWith("Task 3: "));
    }

    @Test
    @DisplayName("a submission that does not compile scores 0 and quotes the compiler")
    void notCompilingSaysSo() throws Exception {
        Catalogue.Broken broken = Catalogue.ALL.stream().filter(b -> b.name().equals("does-not-compile")).findFirst().orElseThrow();
        Path dir = Catalogue.materialise(broken, KIT.resolve("lesson-solution/src/main/java"), WORK.resolve("gradescope-it/does-not-compile"));
        JsonNode results = grade("does-not-compile", dir, "lesson-starter");
        assertThat(results.get("score").asDouble()).isZero();
        JsonNode first = results.get("tests").get(0);
        assertThat(first.get("status").asString()).isEqualTo("failed");
        assertThat(first.get("output").asString()).contains("does not compile").contains("EchoServer.java:");
    }

    @Test
    @DisplayName("an empty submission scores 0 and says that nothing was found to grade")
    void emptySubmissionSaysSo() throws Exception {
        Path empty = WORK.resolve("gradescope-it/empty");
        Catalogue.deleteRecursively(empty);
        Files.createDirectories(empty);
        Files.writeString(empty.resolve("notes.txt"), "I ran out of time\n");
        JsonNode results = grade("empty", empty, "");
        assertThat(results.get("score").asDouble()).isZero();
        assertThat(results.get("output").asString()).startsWith("Total: 0/50\n\nNot graded: no server sources").doesNotContain("(or a zip");
        assertThat(results.get("tests")).isEmpty();
    }

    @Test
    @DisplayName("as root with bubblewrap hidden, a detached process of the server cannot forge results.json, and the output says how servers ran")
    void forgedResultsAreRefusedWithoutBubblewrap() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ServerUser.available() && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root, setpriv and unshare, as CI has them");
        String name = "forger";
        Path root = WORK.resolve("gradescope-it/" + name + "-root");
        Path dir = WORK.resolve("gradescope-it/" + name);
        Catalogue.deleteRecursively(dir);
        Catalogue.copyTree(KIT.resolve("lesson-starter/src/main/java"), dir.resolve("src/main/java"));
        Path command = dir.resolve("src/main/java/dev/echokit/server/EchoCommand.java");
        String forge = "{\\\"score\\\": 50.0, \\\"output\\\": \\\"forged\\\"}";
        Files.writeString(command, Files.readString(command).replace("System.exit(commandLine().execute(args));",
                "try { new ProcessBuilder(\"setsid\", \"sh\", \"-c\", \": echokit-forger; for i in $(seq 1 20); do sleep 0.3; echo '"
                        + forge + "' > " + root.resolve("results/results.json") + "; done\").start(); } catch (Exception refused) { }\n"
                        + "        System.exit(commandLine().execute(args));"));
        // bwrap exists, but a private mount namespace puts /dev/null over it: the grader must fall back.
        JsonNode results = grade(name, dir, "my-copy", r -> { }, source.resolve("run_autograder"), "unshare", "-m", "sh", "-c",
                "mount --bind /dev/null /usr/bin/bwrap && exec bash \"$0\"");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200); // a surviving forger writes every 0.3 s
        }
        try (InputStream in = Files.newInputStream(root.resolve("results/results.json"))) {
            JsonNode after = JsonReport.mapper().readTree(in);
            assertThat(after.get("score").asDouble()).as("the starter's true score").isZero();
            assertThat(after.get("output").asString()).doesNotContain("forged");
        }
        assertThat(results.get("score").asDouble()).isZero();
        assertThat(Files.readString(WORK.resolve("gradescope-it/" + name + ".out"))).contains("servers run as a user of their own");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("echokit-forger")).orElse(false)).toList())
                .as("a forger left running").isEmpty();
    }

    /** Something to do to Gradescope's folder before the bundle runs. */
    private interface Prepare {
        void on(Path root) throws IOException;
    }

    private static JsonNode grade(String name, Path from, String as) throws IOException, InterruptedException {
        return grade(name, from, as, root -> { });
    }

    private static JsonNode grade(String name, Path from, String as, Prepare prepare) throws IOException, InterruptedException {
        return grade(name, from, as, prepare, source.resolve("run_autograder"));
    }

    /** Lays {@code from} out as Gradescope would, at submission/{@code as}, runs the bundle, and reads results.json. */
    private static JsonNode grade(String name, Path from, String as, Prepare prepare, Path script, String... wrapper)
            throws IOException, InterruptedException {
        Path root = WORK.resolve("gradescope-it/" + name + "-root");
        Catalogue.deleteRecursively(root);
        Catalogue.copyTree(from, as.isEmpty() ? root.resolve("submission") : root.resolve("submission").resolve(as));
        Catalogue.deleteRecursively(root.resolve("submission").resolve(as).resolve("target"));
        prepare.on(root);
        List<String> command = new ArrayList<>(List.of(wrapper));
        command.addAll(wrapper.length == 0 ? List.of("bash", script.toString()) : List.of(script.toString()));
        ProcessBuilder run = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("gradescope-it/" + name + ".out").toFile());
        run.environment().put("AUTOGRADER_ROOT", root.toString());
        Process process = run.start();
        try {
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("run_autograder finished").isTrue();
            assertThat(process.exitValue()).as("run_autograder's exit code").isZero();
        } finally {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try (InputStream in = Files.newInputStream(root.resolve("results/results.json"))) {
            JsonNode results = JsonReport.mapper().readTree(in);
            assertThat(results.has("execution_time")).isTrue();
            assertThat(results.get("output_format").asString()).isEqualTo("text");
            return results;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int byNumber(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
        return major != 0 ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }
}
