package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.process.ServerUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A network of its own without root: an instructor (or a learner) grading a class as an ordinary
 * user, with the packaged grader.jar, where the kernel allows user namespaces. Run as root, the
 * test drops to the user nobody for the grading, with a copy of what that user may read.
 */
@DisplayName("A network of its own per grading, without root")
class NetworkIT {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final int NOBODY = 65534;

    @Test
    @DisplayName("graded as nobody: the containment line names the network, the correct one scores 50/50, the host's listener hears nothing")
    void unprivilegedClass() throws Exception {
        Assumptions.assumeTrue(ServerUser.available() && Files.isExecutable(Path.of("/usr/bin/bwrap")),
                "needs root (to become nobody), setpriv and bubblewrap, as CI has them");
        // Everything nobody needs, in a folder it may read, whatever the kit's own folder allows.
        Path base = Files.createTempDirectory("echokit-network-it-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (HostListener host = new HostListener()) {
            Path kit = base.resolve("kit");
            Catalogue.copyTree(KIT.resolve("lessons"), kit.resolve("lessons"));
            Files.copy(WORK.resolve("grader.jar"), base.resolve("grader.jar"));
            Path in = base.resolve("class");
            Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), in.resolve("ann/src/main/java"));
            Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), in.resolve("caller/src/main/java"));
            Path command = in.resolve("caller/src/main/java/dev/echokit/server/EchoCommand.java");
            Files.writeString(command, Files.readString(command).replace("System.exit(commandLine().execute(args));",
                    "new Thread(() -> { for (int i = 0; i < 400; i++) { try (java.net.Socket s = new java.net.Socket()) {"
                            + " s.connect(new java.net.InetSocketAddress(\"127.0.0.1\", " + host.port() + "), 200); } catch (Exception e) { }"
                            + " try { Thread.sleep(50); } catch (InterruptedException e) { return; } } }).start();\n"
                            + "        System.exit(commandLine().execute(args));"));
            Path out = base.resolve("results");
            Path home = base.resolve("home");
            Files.createDirectories(out);
            Files.createDirectories(home);
            for (Path writable : List.of(out, home)) {
                Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            try (var tree = Files.walk(base)) {
                for (Path p : tree.toList()) {
                    if (!p.equals(out) && !p.equals(home)) {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
            ProcessBuilder run = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "--inh-caps=-all", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", base.resolve("grader.jar").toString(),
                    "classroom", in.toString(), "--out", out.toString(), "--kit", kit.toString(), "--parallel", "1")
                    .directory(base.toFile()).redirectErrorStream(true).redirectOutput(WORK.resolve("network-it.out").toFile());
            run.environment().put("HOME", home.toString());
            Process grading = run.start();
            assertThat(grading.waitFor(5, TimeUnit.MINUTES)).as("the class graded within 5 min").isTrue();
            String said = Files.readString(WORK.resolve("network-it.out"), StandardCharsets.UTF_8);
            assertThat(grading.exitValue()).as(said).isZero();
            Assumptions.assumeTrue(said.lines().findFirst().orElse("").contains("network: each grading its own"),
                    "this kernel gives an ordinary user no network namespace: " + said.lines().findFirst().orElse(""));
            assertThat(Files.readString(out.resolve("results.csv"))).contains("ann,50,50");
            assertThat(Files.readString(out.resolve("results.md"))).contains("network: each grading its own, loopback only");
            assertThat(host.heard()).as("connections the caller made to a listener of this machine").isZero();
        } finally {
            Catalogue.deleteRecursively(base);
        }
    }
}
