package dev.echokit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The connection limit")
class ConnectionLimitTest {

    private static final Duration LOG_WAIT = Duration.ofSeconds(5);

    @Test
    @DisplayName("admits exactly MAX clients and tells the next one it is at capacity")
    void admitsMaxThenRefuses() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-clients", "3");
             Client a = new Client(server.port()); Client b = new Client(server.port()); Client c = new Client(server.port())) {
            assertThat(List.of(a, b, c)).allMatch(client -> client.isEchoed("in"));

            try (Client refused = new Client(server.port())) {
                assertThat(refused.readToEnd()).isEqualTo("server at capacity\n");
            }
            assertThat(server.awaitLine(line -> line.endsWith("rejected connection: at capacity (3/3)"), LOG_WAIT)).isPresent();
            assertThat(List.of(a, b, c)).allMatch(client -> client.isEchoed("still here"));
            assertThat(server.log()).filteredOn(line -> line.contains("accepted connection from 127.0.0.1:"))
                    .hasSize(3)
                    .last().asString().endsWith("(3/3)");
        }
    }

    @Test
    @DisplayName("uses a limit of 100 when --max-clients is not given")
    void defaultLimitIsOneHundred() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Client client = new Client(server.port());
                    clients.add(client);
                    assertThat(client.isEchoed("n" + i)).as("client %d of 100 is echoed", i + 1).isTrue();
                }
                try (Client refused = new Client(server.port())) {
                    assertThat(refused.readToEnd()).isEqualTo("server at capacity\n");
                }
            } finally {
                for (Client client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    @DisplayName("lets exactly one new client in for each client that leaves, however it leaves")
    void everyDepartureFreesOneSlot() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-clients", "2")) {
            Client first = new Client(server.port());
            Client second = new Client(server.port());
            assertThat(first.isEchoed("1")).isTrue();
            assertThat(second.isEchoed("2")).isTrue();

            first.close(); // clean close
            Client third = admitAfter(server, 1);
            assertRefused(server);

            second.reset(); // abrupt reset
            Client fourth = admitAfter(server, 2);
            assertRefused(server);

            third.socket().shutdownOutput(); // half-close
            assertThat(third.readToEnd()).isEmpty();
            third.close();
            Client fifth = admitAfter(server, 3);
            assertRefused(server);

            fourth.close();
            fifth.reset();
            assertThat(server.awaitLines(line -> line.contains("closed connection"), 5, LOG_WAIT)).isTrue();
            try (Client x = new Client(server.port()); Client y = new Client(server.port())) {
                assertThat(x.isEchoed("x")).isTrue();
                assertThat(y.isEchoed("y")).isTrue();
                assertRefused(server);
            }
            assertThat(server.log()).filteredOn(line -> line.contains("closed connection"))
                    .allMatch(line -> line.matches(".*closed connection from 127\\.0\\.0\\.1:\\d+ \\([0-2]/2\\)"));
        }
    }

    @Test
    @DisplayName("never counts a refused client: after many refusals exactly MAX fit again")
    void refusalsDoNotLeakSlots() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-clients", "3")) {
            for (int round = 0; round < 5; round++) {
                List<Client> admitted = List.of(new Client(server.port()), new Client(server.port()), new Client(server.port()));
                assertThat(admitted).as("round %d", round).allMatch(client -> client.isEchoed("r"));
                for (int i = 0; i < 10; i++) {
                    assertRefused(server);
                }
                for (Client client : admitted) {
                    client.close();
                }
                assertThat(server.awaitLines(line -> line.contains("closed connection"), 3L * (round + 1), LOG_WAIT)).isTrue();
            }
            assertThat(server.count("rejected connection: at capacity (3/3)")).isEqualTo(50);
        }
    }

    private static Client admitAfter(ServerProcess server, long closes) throws Exception {
        assertThat(server.awaitLines(line -> line.contains("closed connection"), closes, LOG_WAIT))
                .as("the server logged the departure").isTrue();
        Client client = new Client(server.port());
        assertThat(client.isEchoed("welcome")).as("a new client takes the freed slot").isTrue();
        return client;
    }

    private static void assertRefused(ServerProcess server) throws Exception {
        try (Client refused = new Client(server.port())) {
            assertThat(refused.readToEnd()).isEqualTo("server at capacity\n");
        }
    }
}
