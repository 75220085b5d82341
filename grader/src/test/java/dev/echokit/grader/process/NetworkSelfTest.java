package dev.echokit.grader.process;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.Catalogue;
import dev.echokit.grader.HostListener;
import dev.echokit.grader.Parts;
import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.classroom.Classroom;
import dev.echokit.grader.classroom.Row;
import dev.echokit.grader.cli.GraderCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each grading in a network of its own: a class of correct submissions graded beside one server that
 * connects to every listener it finds in the kernel's socket tables, and one that connects to a
 * listener this test opens on the machine's loopback. As root, the way CI, Gradescope and an
 * instructor's machine grade.
 */
@Tag("selftest")
@DisplayName("Each grading in a network of its own")
@ExtendWith(SelfTestCondition.class)
class NetworkSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path SOLUTION = KIT.resolve("lesson-solution/src/main/java");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final List<String> CORRECT = List.of("ann", "ben", "cat");

    @Test
    @DisplayName("as root with bubblewrap, 4 at a time: the correct submissions score 50/50, the host's listener hears nothing, the prowlers' feedback is their own")
    void classWithBubblewrap() throws Exception {
        Platform platform = Platform.detect();
        Assumptions.assumeTrue(ServerUser.isRoot() && platform.network() == GradingNetwork.Kind.BUBBLEWRAP,
                "needs root and bubblewrap, as CI has them (.ci/run installs bwrap)");
        gradeClassBesideProwlers("network-bwrap", platform, 4);
    }

    @Test
    @DisplayName("as root without bubblewrap (unshare --net, each server its own user): the same")
    void classWithoutBubblewrap() throws Exception {
        Assumptions.assumeTrue(ServerUser.available() && Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/ip")),
                "needs root, util-linux and iproute2, as CI has them");
        Platform platform = new Platform("Linux", true, true, Containment.OWN_USER, GradingNetwork.Kind.UNSHARE);
        gradeClassBesideProwlers("network-unshare", platform, 2);
    }

    @Test
    @DisplayName("through the Gradescope entry point: the prowler's grading reaches nothing of the machine, and its results are its own")
    void gradescopeEntryPoint() throws Exception {
        Assumptions.assumeTrue(ServerUser.isRoot() && Platform.detect().gradesInOwnNetwork(), "needs root and a network namespace, as CI has");
        try (HostListener host = new HostListener()) {
            Path root = WORK.resolve("network-gradescope");
            Catalogue.deleteRecursively(root);
            prowler(root.resolve("submission"), "both", host.port());
            java.io.ByteArrayOutputStream staff = new java.io.ByteArrayOutputStream();
            PrintStream before = System.out;
            System.setOut(new PrintStream(staff, true, StandardCharsets.UTF_8));
            try {
                assertThat(GraderCommand.commandLine().execute("gradescope", "--root", root.toString())).isZero();
            } finally {
                System.setOut(before);
            }
            assertThat(staff.toString(StandardCharsets.UTF_8)).as("Gradescope's staff output").contains("network: each grading its own");
            String results = Files.readString(root.resolve("results/results.json"));
            assertThat(results).contains("\"score\"").doesNotContain("not graded").doesNotContain("PROWLER reached 127.0.0.1:" + host.port());
            assertThat(host.heard()).as("connections the prowler made to a listener of this machine").isZero();
        }
    }

    @Test
    @DisplayName("the same verdicts in a network of its own as in one shared: the solution and two broken servers, row by row")
    void sameVerdictsEitherWay() throws Exception {
        Platform platform = Platform.detect();
        Assumptions.assumeTrue(platform.gradesInOwnNetwork(), "needs a network namespace, as CI has");
        Path base = WORK.resolve("network-same");
        Catalogue.deleteRecursively(base);
        Path in = base.resolve("class");
        Catalogue.copyTree(SOLUTION, in.resolve("solution/src/main/java"));
        for (String name : List.of("no-reject-log", "off-by-one")) {
            Catalogue.materialise(Catalogue.named(name), SOLUTION, in.resolve(name));
        }
        Map<String, String> own = cells(in, base.resolve("own"), platform);
        Map<String, String> shared = cells(in, base.resolve("shared"), platform.sharingNetwork());
        assertThat(own).isEqualTo(shared).hasSize(3);
        assertThat(own.get("solution")).startsWith("50 ");
    }

    /** Each learner's score and part cells, as the class table has them. */
    private static Map<String, String> cells(Path in, Path out, Platform platform) throws Exception {
        Classroom.gradeAll(in, KIT, out, 2, QUIET, platform);
        return Classroom.writeTables(out, Optional.empty(), platform).stream()
                .collect(Collectors.toMap(Row::submission, r -> r.score() + " " + r.cells()));
    }

    private static void gradeClassBesideProwlers(String name, Platform platform, int parallel) throws Exception {
        try (HostListener host = new HostListener()) {
            Path base = WORK.resolve(name);
            Catalogue.deleteRecursively(base);
            Path in = base.resolve("class");
            Path out = base.resolve("results");
            for (String correct : CORRECT) {
                Catalogue.copyTree(SOLUTION, in.resolve(correct + "/src/main/java"));
            }
            prowler(in.resolve("scanner"), "scanner", host.port());
            prowler(in.resolve("caller"), "caller", host.port());

            Classroom.gradeAll(in, KIT, out, parallel, QUIET, platform);
            Map<String, Row> rows = Classroom.writeTables(out, Optional.empty(), platform).stream()
                    .collect(Collectors.toMap(Row::submission, r -> r));

            for (String correct : CORRECT) {
                assertThat(rows.get(correct).score()).as(correct + " beside the prowlers").isEqualTo(Parts.LESSON.maxXp());
                assertThat(Files.readString(out.resolve(correct + "/feedback.md"))).doesNotContain("scanner").doesNotContain("caller")
                        .doesNotContain("PROWLER");
            }
            assertThat(host.heard()).as("connections the prowlers made to a listener of this machine").isZero();
            for (String prowler : List.of("scanner", "caller")) {
                assertThat(rows.get(prowler).notGraded()).as(prowler + " is graded like anybody").isNull();
                assertThat(Files.readString(out.resolve(prowler + "/feedback.md"))).contains("# Grader feedback — " + prowler);
            }
            assertThat(Files.readString(out.resolve("results.md"))).contains("network: each grading its own, loopback only");
        }
    }

    /**
     * The solution, plus a thread started in main that prowls for as long as the server runs:
     * "scanner" reads /proc/net/tcp and tcp6 and connects to every listening port it finds there,
     * holding the connections; "caller" connects to the host listener's port, again and again.
     */
    private static void prowler(Path dir, String mode, int hostPort) throws IOException {
        Catalogue.copyTree(SOLUTION, dir.resolve("src/main/java"));
        Path server = dir.resolve("src/main/java/dev/echokit/server");
        Files.writeString(server.resolve("Prowler.java"), PROWLER.replace("MODE_HERE", mode).replace("HOST_PORT_HERE", Integer.toString(hostPort)));
        Path command = server.resolve("EchoCommand.java");
        Files.writeString(command, Files.readString(command).replace("System.exit(commandLine().execute(args));",
                "Prowler.start();\n        System.exit(commandLine().execute(args));"));
    }

    private static final String PROWLER = """
            package dev.echokit.server;

            import java.net.InetSocketAddress;
            import java.net.Socket;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.List;

            final class Prowler {
                static void start() {
                    Thread t = new Thread(Prowler::prowl);
                    t.setDaemon(true);
                    t.start();
                }

                private static void prowl() {
                    List<Socket> held = new ArrayList<>();
                    long end = System.nanoTime() + 120_000_000_000L;
                    while (System.nanoTime() < end && held.size() < 2000) {
                        List<Integer> ports = new ArrayList<>();
                        if ("MODE_HERE".equals("caller") || "MODE_HERE".equals("both")) {
                            ports.add(HOST_PORT_HERE);
                        }
                        if ("MODE_HERE".equals("scanner") || "MODE_HERE".equals("both")) {
                            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                                try {
                                    for (String line : Files.readAllLines(Path.of(table))) {
                                        String[] f = line.trim().split("\\\\s+");
                                        if (f.length > 3 && f[3].equals("0A")) {
                                            ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                                        }
                                    }
                                } catch (Exception e) {
                                    // no table to read
                                }
                            }
                        }
                        for (int port : ports) {
                            try {
                                Socket s = new Socket();
                                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                                held.add(s);
                                System.err.println("PROWLER reached 127.0.0.1:" + port);
                            } catch (Exception e) {
                                // refused, or nothing there
                            }
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
            """;
}
