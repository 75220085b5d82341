package dev.echokit.grader.checks;

import dev.echokit.grader.Probe;
import dev.echokit.grader.RunningServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("task:1")
@DisplayName("Task 1 — the --max-clients option")
@ExtendWith(GraderExtension.class)
class Task1Checks {

    @Test
    @DisplayName("--max-clients 3 is accepted and the listening line names the limit")
    void acceptsTheOption(Grading grading) throws Exception {
        try (RunningServer server = grading.serve(1, "--max-clients", "3")) {
            Optional<String> listening = server.find(line -> line.contains("listening on"));
            if (listening.isPresent() && !listening.get().endsWith("(max clients: 3)")) {
                throw grading.feedback(1, server)
                        .did("started the server with --max-clients 3")
                        .expected("the listening line to end with \"(max clients: 3)\", e.g. listening on 127.0.0.1:9000 (max clients: 3)")
                        .got("it logged: " + listening.get())
                        .error();
            }
        }
    }

    @ParameterizedTest(name = "--max-clients {0}")
    @ValueSource(strings = {"0", "-1", "abc"})
    @DisplayName("a bad --max-clients stops the program with a message naming the option")
    void rejectsBadValues(String value, Grading grading) throws Exception {
        try (RunningServer server = RunningServer.start(grading.target(), List.of("--max-clients", value), null)) {
            // Wait for whichever comes first: the exit we want, or the server listening (the bad value taken).
            Optional<Integer> exit = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (exit.isEmpty() && System.nanoTime() < deadline && !server.isReady()) {
                exit = server.awaitExit(Duration.ofMillis(50));
            }
            String did = "started the server with --max-clients " + value;
            if (exit.isEmpty()) {
                boolean listening = server.isReady();
                throw grading.feedback(1, server)
                        .did(did + " and waited 10 s for it to exit")
                        .expected("a non-zero exit and a message that names --max-clients")
                        .got(listening ? "it started listening: the bad value was accepted" : "it was still running")
                        .hint("validate the value where the option is parsed: throw picocli's ParameterException "
                                + "(\"Invalid value '0' for option '--max-clients': must be at least 1.\")")
                        .error();
            }
            if (server.log().stream().anyMatch(line -> line.toLowerCase().contains("unknown option"))) {
                throw grading.feedback(1, server)
                        .did(did)
                        .expected("the server to know --max-clients and reject the value " + value)
                        .got("exit code " + exit.get() + ", because it does not know the option at all")
                        .hint("add the option first; then a value below 1 must be refused with a message that names it")
                        .error();
            }
            boolean named = server.log().stream().anyMatch(line -> line.contains("--max-clients"));
            if (exit.get() == 0 || !named) {
                throw grading.feedback(1, server)
                        .did(did)
                        .expected("a non-zero exit code and a message that names --max-clients")
                        .got("exit code " + exit.get() + (named ? "" : ", and no output line names --max-clients"))
                        .error();
            }
            if (server.log().stream().anyMatch(line -> line.contains("\tat ") || line.contains("Exception in thread"))) {
                throw grading.feedback(1, server)
                        .did(did)
                        .expected("a one-line message, not a stack trace")
                        .got("it printed a stack trace")
                        .hint("report bad input with ParameterException; picocli prints its message and exits with 2")
                        .error();
            }
        }
    }

    @Test
    @DisplayName("without the option the limit is 100: 100 clients are served and the 101st is refused")
    void defaultIsOneHundred(Grading grading) throws Exception {
        try (RunningServer server = grading.serve(1)) {
            List<Probe> clients = new ArrayList<>();
            try {
                for (int i = 1; i <= 100; i++) {
                    Probe client = Probe.connect(server.port());
                    clients.add(client);
                    Probe.Received back = client.echo("client " + i, Scenario.ECHO_WAIT);
                    if (!back.text().equals("client " + i + "\n")) {
                        throw grading.feedback(1, server)
                                .did("started the server with no --max-clients, then connected clients one by one")
                                .expected("the first 100 clients to be served")
                                .got("client " + i + " " + back.describe())
                                .hint("the default must be 100: defaultValue = \"100\" on the option")
                                .error();
                    }
                }
                try (Probe extra = Probe.connect(server.port())) {
                    Probe.Received got = extra.readToEnd(Scenario.PROMPT);
                    if (!got.text().equals(Scenario.AT_CAPACITY)) {
                        throw grading.feedback(1, server)
                                .did("started the server with no --max-clients, connected 100 clients, then a 101st")
                                .expected("the 101st to read " + Probe.quote(Scenario.AT_CAPACITY) + ": the default limit is 100")
                                .got(got.describe())
                                .hint("without --max-clients the server must behave as with --max-clients 100")
                                .error();
                    }
                }
            } finally {
                for (Probe client : clients) {
                    client.close();
                }
            }
        }
    }
}
