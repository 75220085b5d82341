package dev.echokit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Echo")
class EchoTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start("--max-clients", "10");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    @DisplayName("sends every line back to its sender")
    void echoesLines() throws Exception {
        try (Client client = new Client(server.port())) {
            assertThat(client.echo("hello")).isEqualTo("hello");
            assertThat(client.echo("héllo wörld")).isEqualTo("héllo wörld");
        }
    }

    @Test
    @DisplayName("sends 8 MiB back intact and in order while the client is still sending")
    void echoesLargePayload() throws Exception {
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        try (Client client = new Client(server.port())) {
            OutputStream out = client.socket().getOutputStream();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    out.write(payload);
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] received = client.readExactly(payload.length);
            writing.get(10, TimeUnit.SECONDS);
            assertThat(received).isEqualTo(payload);
        }
    }

    @Test
    @DisplayName("keeps clients apart: each gets only its own bytes back")
    void keepsClientsApart() throws Exception {
        try (Client a = new Client(server.port()); Client b = new Client(server.port()); Client c = new Client(server.port())) {
            for (int round = 0; round < 20; round++) {
                assertThat(a.echo("a" + round)).isEqualTo("a" + round);
                assertThat(c.echo("c" + round)).isEqualTo("c" + round);
                assertThat(b.echo("b" + round)).isEqualTo("b" + round);
            }
        }
    }

    @Test
    @DisplayName("echoes everything sent before a half-close, then closes and frees the slot")
    void halfCloseEchoesThenCloses() throws Exception {
        long closedBefore = server.count("closed connection");
        try (Client client = new Client(server.port())) {
            client.send("last words\n");
            client.socket().shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo("last words\n");
        }
        assertThat(server.awaitLines(line -> line.contains("closed connection"), closedBefore + 1,
                java.time.Duration.ofSeconds(5))).isTrue();
    }
}
