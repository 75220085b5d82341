package dev.echokit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The command line")
class CommandLineTest {

    @ParameterizedTest(name = "--max-clients {0}")
    @ValueSource(strings = {"0", "-1", "abc", "99999999999", ""})
    @DisplayName("rejects a bad --max-clients with exit code 2 and one line that names the option")
    void rejectsBadMaxClients(String value) throws Exception {
        ServerProcess.Result result = ServerProcess.run("--port", "0", "--max-clients", value);

        assertThat(result.exitCode()).isEqualTo(2);
        String firstLine = result.output().lines().findFirst().orElse("");
        assertThat(firstLine).startsWith("echo-server: ").contains("'--max-clients'");
        assertThat(result.output()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @DisplayName("rejects a port outside 0-65535 with exit code 2")
    void rejectsBadPort() throws Exception {
        ServerProcess.Result result = ServerProcess.run("--port", "70000");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("'--port'").doesNotContain("Exception");
    }

    @Test
    @DisplayName("exits 1 with a one-line reason when the port is taken")
    void exitsOneWhenPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ServerProcess.Result result = ServerProcess.run("--port", Integer.toString(taken.getLocalPort()));

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output())
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use")
                    .doesNotContain("Exception");
        }
    }

    @Test
    @DisplayName("shows the defaults in --help and exits 0")
    void helpShowsDefaults() throws Exception {
        ServerProcess.Result result = ServerProcess.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.output().replaceAll("\\s+", " ")) // help text wraps at 80 columns
                .contains("--max-clients=N").contains("Default: 100")
                .contains("--port=N").contains("Default: 9000")
                .contains("--bind=ADDRESS").contains("Default: 127.0.0.1");
    }

    @Test
    @DisplayName("announces the real port and the limit once it listens")
    void announcesRealPortAndLimit() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-clients", "7")) {
            assertThat(server.port()).isPositive();
            assertThat(server.log()).anyMatch(line ->
                    line.endsWith("listening on 127.0.0.1:" + server.port() + " (max clients: 7)"));
        }
    }
}
