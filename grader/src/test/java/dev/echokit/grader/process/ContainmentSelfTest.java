package dev.echokit.grader.process;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.Catalogue;
import dev.echokit.grader.Parts;
import dev.echokit.grader.PrairieLearnSelfTest;
import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.classroom.Classroom;
import dev.echokit.grader.classroom.Graded;
import dev.echokit.grader.classroom.Learner;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Learner code is untrusted: a class of hostile servers, graded the way instructors and CI grade
 * (as root, the class folder outside /tmp), must change nothing but their own rows, learn nothing
 * of the machine or of each other, and leave nothing running. Each hostile server is the
 * solution with one {@code Hostile} class that acts when it starts, then serves as the solution does.
 */
@Tag("selftest")
@DisplayName("Containment of hostile servers")
@ExtendWith(SelfTestCondition.class)
public class ContainmentSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path SOLUTION = KIT.resolve("lesson-solution/src/main/java");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final String SIBLING_SECRET = "sibling-secret-5f3a9";
    private static final int FIXED_PORT = 9000;

    @Test
    @DisplayName("as root with bubblewrap: escapes, secrets, siblings, forged results, memory, 150 children, a fixed port and 200 MB of output are all contained")
    void hostileClassIsContained() throws Exception {
        Platform platform = Platform.detect();
        Assumptions.assumeTrue(platform.containment() == Containment.BUBBLEWRAP && ServerUser.isRoot(),
                "needs root and bubblewrap, as CI has them (.ci/run installs bwrap)");
        Path base = WORK.resolve("containment");
        Path out = base.resolve("results");
        Path in = hostileClass(base, out);
        Path canary = base.resolve("canary/kit-file.txt");
        Path victimFile = in.resolve("victim/src/main/java/dev/echokit/server/EchoServer.java");
        String victimBefore = Files.readString(victimFile);
        boolean portTakenBefore = ProcFs.isListening(FIXED_PORT);

        List<Graded> graded = Classroom.gradeAll(in, KIT, out, 2, QUIET, platform);
        Map<String, Graded> by = graded.stream().collect(Collectors.toMap(g -> g.row().submission(), g -> g));
        Classroom.writeTables(out, Optional.empty());
        String csv = Files.readString(out.resolve("results.csv"));
        String md = Files.readString(out.resolve("results.md"));
        watchForLateWriters();

        // The true scores: the escapes failed quietly, so mallory is the solution underneath; the victim is untouched.
        assertThat(by.get("victim").row().score()).isEqualTo(Parts.LESSON.maxXp());
        assertThat(out.resolve("mallory/grader-report.json")).as("mallory, contained, passes every check")
                .content().contains("\"status\" : \"passed\"");
        assertThat(Files.readString(victimFile)).isEqualTo(victimBefore);
        // Each limit stops its server, and the feedback names it.
        assertThat(out.resolve("hog/feedback.md")).content().contains("the server ended after an OutOfMemoryError: it ran out of memory");
        assertThat(out.resolve("forker/feedback.md")).content().contains("it started more than 160 processes");
        // 200 MB of output costs its own feedback a bounded tail, nobody else anything.
        assertThat(Files.size(out.resolve("flooder/feedback.md"))).isLessThan(64 * 1024);

        // Nothing changed after the fact, and nothing escaped.
        assertThat(Files.readString(out.resolve("results.csv"))).isEqualTo(csv).doesNotContain("hacked");
        assertThat(Files.readString(out.resolve("results.md"))).isEqualTo(md).doesNotContain("nobody-learner");
        assertThat(canary).content().isEqualTo("the kit's own file\n");
        assertThat(base.resolve("canary/escaped.txt")).doesNotExist();
        for (String outside : List.of("/var/tmp/echokit-hostile-was-here", "/tmp/echokit-hostile-was-here", "/usr/echokit-hostile",
                "/etc/echokit-hostile")) {
            assertThat(Path.of(outside)).as("a file written outside the server's folder").doesNotExist();
        }
        // Nothing a hostile server learnt reached the results: not a secret, not a sibling's code, not its own boasts.
        String shadow = Files.readAllLines(Path.of("/etc/shadow")).get(0);
        for (Path file : resultFiles(out)) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(text).as(out.relativize(file).toString()).doesNotContain(shadow).doesNotContain(SIBLING_SECRET).doesNotContain("LEAK");
        }
        assertNoSurvivors();
        if (!portTakenBefore) {
            assertThat(ProcFs.isListening(FIXED_PORT)).as("a server still listening on the fixed port " + FIXED_PORT).isFalse();
        }
    }

    @Test
    @DisplayName("as root without bubblewrap: each server runs as its own user — no secret, no forged results, no writes outside, no survivor")
    void fallbackWithoutBubblewrapHolds() throws Exception {
        Assumptions.assumeTrue(ServerUser.available(), "needs root and util-linux's setpriv, as CI has them");
        Platform ownUser = new Platform("Linux", true, true, Containment.OWN_USER);
        Path base = WORK.resolve("containment-own-user");
        Path out = base.resolve("results");
        Path in = hostileClass(base, out, "victim", "mallory", "forker");
        Path canary = base.resolve("canary/kit-file.txt");
        Path victimFile = in.resolve("victim/src/main/java/dev/echokit/server/EchoServer.java");
        String victimBefore = Files.readString(victimFile);

        List<Graded> graded = Classroom.gradeAll(in, KIT, out, 2, QUIET, ownUser);
        Classroom.writeTables(out, Optional.empty(), ownUser);
        String csv = Files.readString(out.resolve("results.csv"));
        watchForLateWriters();

        Map<String, Graded> by = graded.stream().collect(Collectors.toMap(g -> g.row().submission(), g -> g));
        assertThat(by.get("victim").row().score()).isEqualTo(Parts.LESSON.maxXp());
        assertThat(by.get("mallory").verdict().passed()).as("mallory: " + by.get("mallory").verdict().with(Status.FAILED)).isTrue();
        assertThat(out.resolve("forker/feedback.md")).content().contains("it started more than 160 processes");
        assertThat(Files.readString(out.resolve("results.csv"))).isEqualTo(csv).doesNotContain("hacked");
        assertThat(Files.readString(out.resolve("results.md"))).startsWith("EchoKit classroom results — servers run as a user of their own");
        assertThat(canary).content().isEqualTo("the kit's own file\n");
        assertThat(base.resolve("canary/escaped.txt")).doesNotExist();
        assertThat(Files.readString(victimFile)).isEqualTo(victimBefore);
        assertThat(Path.of("/var/tmp/echokit-hostile-was-here")).doesNotExist();
        assertThat(Path.of("/tmp/echokit-hostile-was-here")).doesNotExist();
        String shadow = Files.readAllLines(Path.of("/etc/shadow")).get(0);
        for (Path file : resultFiles(out)) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(out.relativize(file).toString())
                    .doesNotContain(shadow).doesNotContain("LEAK shadow").doesNotContain("LEAK results");
        }
        assertNoSurvivors();
    }

    @Test
    @DisplayName("as root, through PrairieLearn's entry point: a server that reads /etc/shadow, writes outside its folder and forges results leaves the grader's own results.json, 50/50, with no secret in it")
    void prairieLearnPathIsContained() throws Exception {
        Assumptions.assumeTrue(ServerUser.isRoot(), "needs root, as PrairieLearn's grading container runs the grader");
        Path base = WORK.resolve("containment-prairielearn");
        Path root = base.resolve("grade");
        Path in = hostileClass(base, root.resolve("results"), "victim", "mallory");
        Path canary = base.resolve("canary/kit-file.txt");
        PrairieLearnSelfTest.gradeRoot(root);
        PrairieLearnSelfTest.uploadFiles(in.resolve("mallory/src/main/java/dev/echokit/server"), root);
        Files.writeString(root.resolve("tests/answer-key.txt"), "the question's own file\n");
        Path victimFile = in.resolve("victim/src/main/java/dev/echokit/server/EchoServer.java");
        String victimBefore = Files.readString(victimFile);

        PrairieLearnSelfTest.run(root);
        String written = Files.readString(root.resolve("results/results.json"));
        watchForLateWriters();

        JsonNode results = PrairieLearnSelfTest.validResults(root);
        // The escapes failed quietly, so mallory is the solution underneath, and the result is the grader's.
        assertThat(results.get("score").asDouble()).as(results.get("output").asString()).isEqualTo(1.0);
        assertThat(Files.readString(root.resolve("results/results.json"))).as("results.json after the grading").isEqualTo(written);
        try (Stream<Path> left = Files.list(root.resolve("results"))) {
            assertThat(left.map(p -> p.getFileName().toString())).as("what the results folder holds").containsExactly("results.json");
        }
        String shadow = Files.readAllLines(Path.of("/etc/shadow")).get(0);
        assertThat(written).doesNotContain(shadow).doesNotContain(SIBLING_SECRET).doesNotContain("LEAK").doesNotContain("hacked");
        assertThat(root.resolve("tests/answer-key.txt")).content().isEqualTo("the question's own file\n");
        assertThat(canary).content().isEqualTo("the kit's own file\n");
        assertThat(base.resolve("canary/escaped.txt")).doesNotExist();
        assertThat(Files.readString(victimFile)).isEqualTo(victimBefore);
        for (String outside : List.of("/var/tmp/echokit-hostile-was-here", "/tmp/echokit-hostile-was-here", "/usr/echokit-hostile",
                "/etc/echokit-hostile")) {
            assertThat(Path.of(outside)).as("a file written outside the server's folder").doesNotExist();
        }
        assertNoSurvivors();
    }

    @Test
    @DisplayName("a command in a private temporary folder (mktemp -d, root's alone) still grades 50/50: its servers read a copy")
    void commandInPrivateTemporaryFolderGrades() throws Exception {
        Platform platform = Platform.detect();
        Path folder = Files.createTempDirectory("echokit-command-"); // 0700, like mktemp -d
        try {
            Verdict compiled = Grader.grade(Grader.Request.of(KIT.resolve("lesson-solution").toString(), KIT, WORK.resolve("containment-command"))
                    .only(List.of("ArchitectureChecks")));
            assertThat(compiled.with(Status.FAILED)).isEmpty();
            Path classes;
            try (Stream<Path> walk = Files.walk(WORK.resolve("containment-command/graded"), 3)) {
                classes = walk.filter(p -> p.endsWith("classes")).findFirst().orElseThrow();
            }
            Catalogue.copyTree(classes, folder.resolve("classes"));
            Files.copy(Path.of(picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI()), folder.resolve("picocli.jar"));
            Path server = folder.resolve("server");
            Files.writeString(server, "#!/bin/sh\nhere=$(dirname \"$0\")\nexec \"${JAVA_HOME:-/usr}/bin/java\" -cp \"$here/classes:$here/picocli.jar\""
                    + " dev.echokit.server.EchoCommand \"$@\"\n");
            server.toFile().setExecutable(true, true);

            Verdict verdict = Grader.grade(Grader.Request.of("", KIT, WORK.resolve("containment-command")).command(server.toString()).on(platform));
            assertThat(verdict.with(Status.FAILED)).as("the solution, started from " + server).isEmpty();
            assertThat(verdict.score()).isEqualTo(Parts.LESSON.maxXp());
        } finally {
            Catalogue.deleteRecursively(folder);
        }
    }

    /** A class of hostile servers and one honest victim, laid out under {@code base}, with a canary file beside it. */
    private static Path hostileClass(Path base, Path results, String... names) throws IOException {
        List<String> wanted = names.length == 0 ? List.of("victim", "mallory", "hog", "forker", "flooder", "porter") : List.of(names);
        Catalogue.deleteRecursively(base);
        Path in = base.resolve("class");
        Path canary = base.resolve("canary/kit-file.txt");
        Files.createDirectories(canary.getParent());
        Files.writeString(canary, "the kit's own file\n");
        for (String name : wanted) {
            Catalogue.copyTree(SOLUTION, in.resolve(name + "/src/main/java"));
            Path server = in.resolve(name + "/src/main/java/dev/echokit/server");
            if (name.equals("victim")) {
                Path file = server.resolve("EchoServer.java");
                Files.writeString(file, "// " + SIBLING_SECRET + "\n" + Files.readString(file));
                continue;
            }
            Files.writeString(server.resolve("Hostile.java"), HOSTILE.replace("MODE_HERE", name)
                    .replace("CLASS_HERE", in.toString()).replace("RESULTS_HERE", results.toString()).replace("CANARY_HERE", canary.getParent().toString()));
            Path command = server.resolve("EchoCommand.java");
            Files.writeString(command, Files.readString(command).replace("System.exit(commandLine().execute(args));",
                    "Hostile.act();\n        System.exit(commandLine().execute(Hostile.arguments(args)));"));
        }
        return in;
    }

    /** What the results hold for people to read: every file but the grader's own working copies (sources, classes). */
    private static List<Path> resultFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(Files::isRegularFile).filter(f -> !out.relativize(f).toString().contains("/work/")).toList();
        }
    }

    /** A survivor would write within a second; watch for three, bounded. */
    private static void watchForLateWriters() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static void assertNoSurvivors() throws IOException {
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            List<String> survivors = proc.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    int uid = (Integer) Files.getAttribute(p, "unix:uid");
                    return ServerUser.LEASED.contains(uid) && !ServerUser.inUse(uid); // an id in use is another grading's now
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            }).map(p -> p.getFileName().toString()).toList();
            assertThat(survivors).as("processes still running as a user this grader leased").isEmpty();
        }
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("echokit-hostile")).orElse(false)).toList())
                .as("processes a hostile server left behind").isEmpty();
    }

    /** Every hostile act, chosen by the submission's name; each attempt that works prints LEAK. */
    private static final String HOSTILE = """
            package dev.echokit.server;

            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.List;

            /** Tries what a learner's code must never manage from inside the grader. */
            final class Hostile {

                private static final String MODE = "MODE_HERE";
                private static final Path CLASS = Path.of("CLASS_HERE");
                private static final Path RESULTS = Path.of("RESULTS_HERE");
                private static final Path CANARY = Path.of("CANARY_HERE");
                private static final List<Object> HOARD = new ArrayList<>();

                private Hostile() {
                }

                static void act() {
                    switch (MODE) {
                        case "mallory" -> escape();
                        case "hog" -> {
                            while (true) {
                                HOARD.add(new long[1 << 20]); // 8 MiB at a time, kept
                            }
                        }
                        case "forker" -> {
                            // 200 children and their 200 reaper threads stay under the 512 tasks a user of its own may
                            // run, so the only limit it can reach is the grader's 160 processes: one verdict every run.
                            for (int i = 0; i < 200; i++) {
                                try {
                                    new ProcessBuilder("sleep", "30").start();
                                } catch (Exception refused) {
                                    break;
                                }
                            }
                        }
                        case "flooder" -> {
                            byte[] chunk = new byte[1 << 20];
                            java.util.Arrays.fill(chunk, (byte) 'x');
                            for (int i = 0; i < chunk.length; i += 1000) {
                                chunk[i] = '\\n';
                            }
                            for (int i = 0; i < 200; i++) {
                                System.out.write(chunk, 0, chunk.length);
                            }
                            System.out.flush();
                        }
                        default -> {
                        }
                    }
                }

                /** The porter ignores --port and always binds a fixed one. */
                static String[] arguments(String[] args) {
                    if (!MODE.equals("porter")) {
                        return args;
                    }
                    String[] fixed = args.clone();
                    for (int i = 0; i + 1 < fixed.length; i++) {
                        if (fixed[i].equals("--port")) {
                            fixed[i + 1] = "9000";
                        }
                    }
                    return fixed;
                }

                private static void escape() {
                    attempt(() -> run("mount", "-o", "remount,rw", "/"));
                    attempt(() -> run("umount", "-l", "/tmp"));
                    attempt(() -> Files.writeString(Path.of("/var/tmp/echokit-hostile-was-here"), "out"));
                    attempt(() -> Files.writeString(Path.of("/tmp/echokit-hostile-was-here"), "out"));
                    attempt(() -> Files.writeString(Path.of("/usr/echokit-hostile"), "out"));
                    attempt(() -> Files.writeString(Path.of("/etc/echokit-hostile"), "out"));
                    attempt(() -> System.out.println("LEAK shadow: " + Files.readAllLines(Path.of("/etc/shadow")).get(0)));
                    attempt(() -> System.out.println("LEAK class: " + Files.list(CLASS).toList()));
                    attempt(() -> System.out.println("LEAK sibling: " + Files.readString(
                            CLASS.resolve("victim/src/main/java/dev/echokit/server/EchoServer.java")).lines().findFirst().orElse("")));
                    attempt(() -> System.out.println("LEAK results: " + Files.list(RESULTS).toList()));
                    attempt(() -> Files.writeString(CANARY.resolve("escaped.txt"), "out"));
                    attempt(() -> Files.delete(CANARY.resolve("kit-file.txt")));
                    attempt(() -> Files.writeString(CLASS.resolve("victim/src/main/java/dev/echokit/server/EchoServer.java"), "// hacked\\n",
                            java.nio.file.StandardOpenOption.APPEND));
                    // A detached process that outlives the check and forges the class's results.
                    attempt(() -> new ProcessBuilder("setsid", "sh", "-c", ": echokit-hostile; for i in $(seq 1 60); do sleep 0.5;"
                            + " echo hacked >> " + RESULTS + "/results.csv;"
                            + " echo '| nobody-learner | 50/50 |' >> " + RESULTS + "/results.md; done").start());
                    attempt(() -> Files.write(Path.of("filler.bin"), new byte[1 << 20])); // its own folder: allowed
                }

                private interface Attempt {
                    void run() throws Exception;
                }

                private static void attempt(Attempt attempt) {
                    try {
                        attempt.run();
                    } catch (Exception | Error refused) {
                        // contained: the attempt fails, and the server goes on as the solution does
                    }
                }

                private static void run(String... command) throws Exception {
                    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                    process.getInputStream().readAllBytes();
                    if (process.waitFor() == 0) {
                        System.out.println("LEAK " + String.join(" ", command) + " worked");
                    }
                }
            }
            """;
}
