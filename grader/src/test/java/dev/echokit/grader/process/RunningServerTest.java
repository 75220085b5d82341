package dev.echokit.grader.process;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("selftest")
@DisplayName("A running server's end")
@ExtendWith(SelfTestCondition.class)
class RunningServerTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;

    /**
     * A process that is exiting closes its output a moment before the JDK sees it gone (a JVM that
     * dies of an exception takes longer still). Here the moment is stretched to 300 ms: asked in
     * it, the server has ended on its own, with its exit code, never "still running".
     */
    @Test
    @DisplayName("a server whose output ended is waited for, and reported as ended with its exit code")
    void outputEndedMeansEnding() throws Exception {
        Platform platform = Platform.detect().containing(Containment.NONE).sharingNetwork();
        try (ServerFiles files = ServerFiles.create()) {
            Target target = Target.resolve("echo going; exec >&- 2>&-; sleep 0.3; exit 3 #", null, KIT, WORK.resolve("running-server"), platform, files);
            try (RunningServer server = RunningServer.start(target, List.of(), null)) {
                assertThat(server.log().await(line -> false, 1, Duration.ofSeconds(10))).isFalse(); // returns when the output ends
                assertThat(server.isAlive()).as("still in its sleep").isTrue();
                assertThat(server.endedOnItsOwn()).hasValueSatisfying(ending -> assertThat(ending.exitCode()).isEqualTo(3));
            }
        }
    }
    /**
     * Without /proc, readiness of a command is its listening line; a connection asks only when no line
     * comes. A server slow to print it (here 300 ms between listen() and the line) must not be probed:
     * it would log the probe as a client, and a check would read those lines as its own.
     */
    @Test
    @DisplayName("without /proc, a command that prints its listening line late is not probed with a connection")
    void lateListeningLineIsNotProbed() throws Exception {
        Platform portable = Platform.portable();
        Path script = WORK.resolve("running-server/late-line.py");
        java.nio.file.Files.createDirectories(script.getParent());
        java.nio.file.Files.writeString(script, """
                import socket, sys, time
                port = int(sys.argv[sys.argv.index("--port") + 1])
                listener = socket.socket()
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", port))
                listener.listen()
                time.sleep(0.3)
                print(f"listening on 127.0.0.1:{port} (max clients: 3)", flush=True)
                while True:
                    client, peer = listener.accept()
                    print(f"accepted connection from {peer[0]}:{peer[1]} (1/3)", flush=True)
                    client.close()
                """);
        try (ServerFiles files = ServerFiles.create()) {
            Target target = Target.resolve("python3 " + script, null, KIT, WORK.resolve("running-server"), portable, files);
            int port = RunningServer.freePort();
            RunningServer.Started started = RunningServer.startAndAwait(target, List.of("--port", Integer.toString(port)), null);
            try (RunningServer server = started.server()) {
                assertThat(started.problem()).isEmpty();
                int mine;
                try (java.net.Socket client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                    mine = client.getLocalPort();
                    client.setSoTimeout(10_000);
                    assertThat(client.getInputStream().read()).as("the server closes each client at once").isEqualTo(-1);
                }
                String me = ":" + mine + " ";
                assertThat(server.log().await(line -> line.contains(me), 1, Duration.ofSeconds(10))).as("this test's client logged").isTrue();
                assertThat(server.log().matching(line -> line.contains("accepted connection")))
                        .as("accepted clients: this test's alone, no probe").singleElement()
                        .satisfies(line -> assertThat(line.text()).contains(me));
            }
        }
    }
}
