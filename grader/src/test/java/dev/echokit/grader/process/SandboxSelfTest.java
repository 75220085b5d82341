package dev.echokit.grader.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sandbox's parts, each against the kernel: the limits end a process with a signal the grader
 * can name, and the view holds no secret and no privilege. Small limits keep each case short.
 */
@Tag("selftest")
@DisplayName("The sandbox and its limits")
@ExtendWith(SelfTestCondition.class)
class SandboxSelfTest {

    private static final Limits SMALL = new Limits(64, 512, 1L << 30, 1, 1L << 20);

    @Test
    @DisplayName("a process that spins past its CPU time, or writes past its file size, is stopped, and the limit is named")
    void limitsStopAndAreNamed() throws Exception {
        Platform platform = Platform.detect();
        Assumptions.assumeTrue(platform.containment() != Containment.NONE, "needs bubblewrap or root");
        assertThat(SMALL.stoppedBy(run(platform, "while :; do :; done")).map(LimitReached::sentence)).contains("the kernel stopped the server with SIGXCPU: it used more than 1 s of CPU time");
        assertThat(SMALL.stoppedBy(run(platform, "head -c 5000000 /dev/zero > big")).map(LimitReached::what)).contains("it wrote a file larger than 1 MiB");
        assertThat(SMALL.stoppedBy(run(platform, "exit 0"))).isEmpty();
    }

    @Test
    @DisplayName("inside, as root's grader: no capability, no secret, no mount, a read-only system, a private /tmp, only the scratch folder writable")
    void insideHoldsNoPrivilege() throws Exception {
        Platform platform = Platform.detect();
        Assumptions.assumeTrue(platform.containment() == Containment.BUBBLEWRAP && ServerUser.isRoot(), "needs root and bubblewrap");
        String report = output(platform, "id -u; grep CapEff /proc/self/status; cat /etc/shadow && echo SHADOW-READ;"
                + " mount -t tmpfs none /tmp 2>/dev/null && echo MOUNTED; touch /usr/x 2>/dev/null && echo USR-WRITTEN;"
                + " ls /root /home 2>/dev/null | grep . && echo HOMES-SEEN; touch here && echo SCRATCH-WRITTEN; ls -A /tmp | wc -l");
        assertThat(report).doesNotContain("SHADOW-READ", "MOUNTED", "USR-WRITTEN", "HOMES-SEEN").contains("CapEff:\t0000000000000000")
                .contains("SCRATCH-WRITTEN");
        int uid = Integer.parseInt(report.lines().findFirst().orElseThrow().strip());
        assertThat(uid).isBetween(ServerUser.FIRST_ID, ServerUser.FIRST_ID + ServerUser.COUNT - 1);
    }

    /**
     * The allowed files of /etc are readable by the server's own user: the folders above them are
     * passable. bubblewrap makes a missing parent private to root, and a Node.js server, unable to
     * open /etc/ssl/openssl.cnf, once exited before it listened (0/50 for a correct server).
     */
    @Test
    @DisplayName("inside, as root's grader: the server's own user can read the allowed files of /etc, and list the folders above them")
    void allowedFilesOfEtcAreReadable() throws Exception {
        Platform platform = Platform.detect();
        Assumptions.assumeTrue(platform.containment() == Containment.BUBBLEWRAP && ServerUser.isRoot(), "needs root and bubblewrap");
        assertThat(Files.exists(Path.of("/etc/hosts"))).isTrue();
        String report = output(platform, "ls /etc >/dev/null && echo ETC-LISTED; head -c1 /etc/hosts >/dev/null && echo HOSTS-READ;"
                + " if [ -d /etc/ssl/certs ]; then ls /etc/ssl >/dev/null && echo SSL-LISTED; else echo SSL-LISTED; fi");
        assertThat(report).contains("ETC-LISTED", "HOSTS-READ", "SSL-LISTED");
    }

    /** Runs a shell command as a server would be run (sandbox, limits, own user), in a scratch folder; its exit value. */
    private static int run(Platform platform, String script) throws Exception {
        try (ServerFiles files = ServerFiles.create(); ServerUser user = ServerUser.isRoot() ? ServerUser.lease() : null) {
            Process process = start(platform, files, user, script);
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the process ended").isTrue();
            return process.exitValue();
        }
    }

    private static String output(Platform platform, String script) throws Exception {
        try (ServerFiles files = ServerFiles.create(); ServerUser user = ServerUser.isRoot() ? ServerUser.lease() : null) {
            Process process = start(platform, files, user, script);
            String out = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return out;
        }
    }

    private static Process start(Platform platform, ServerFiles files, ServerUser user, String script) throws Exception {
        Path scratch = files.newScratch(Optional.ofNullable(user));
        List<String> command = new ArrayList<>(Sandbox.prefix(platform, SMALL, Optional.ofNullable(user), scratch, List.of()));
        command.addAll(List.of("sh", "-c", script));
        ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true);
        Sandbox.environment(platform, builder.environment(), scratch);
        assertThat(Files.isDirectory(scratch)).isTrue();
        return builder.start();
    }
}
