package dev.echokit.grader.checks;

import dev.echokit.grader.RunningServer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("task:4")
@DisplayName("Task 4 — log every refusal")
@ExtendWith(GraderExtension.class)
class Task4Checks {

    private static final Pattern REJECTED = Pattern.compile("rejected connection: at capacity \\((\\d+)/(\\d+)\\)$");

    @Test
    @DisplayName("each refusal logs one line \"rejected connection: at capacity (N/MAX)\" with N = MAX")
    void logsEachRefusal(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 4, 2)) {
            scenario.fill();
            for (int i = 1; i <= 3; i++) {
                scenario.expectRefused("connected 2 clients, then extra client " + i);
            }
            RunningServer server = scenario.server;
            server.awaitLines(line -> line.contains("rejected connection"), 3, Duration.ofSeconds(3));
            // One more admitted round trip: anything the server still had to log about the refusals is out by now.
            scenario.admitted.get(0).echo("sync", Scenario.ECHO_WAIT);
            List<String> rejected = server.log().stream().filter(line -> line.contains("rejected connection")).toList();
            List<String> wellFormed = rejected.stream().filter(line -> REJECTED.matcher(line).find()).toList();
            String did = scenario.setup() + ", filled it, then had 3 more clients refused";
            if (wellFormed.size() != 3 || rejected.size() != 3) {
                throw grading.feedback(4, server)
                        .did(did)
                        .expected("exactly 3 lines ending in \"rejected connection: at capacity (2/2)\"")
                        .got(rejected.isEmpty() ? "no line contains \"rejected connection\""
                                : rejected.size() + " lines contain \"rejected connection\", " + wellFormed.size() + " of them in the contract's form")
                        .hint("log once per refused client, in exactly this form: rejected connection: at capacity (N/MAX)")
                        .error();
            }
            for (String line : wellFormed) {
                var m = REJECTED.matcher(line);
                m.find();
                if (!m.group(1).equals("2") || !m.group(2).equals("2")) {
                    throw grading.feedback(4, server)
                            .did(did)
                            .expected("(2/2) in every refusal line: N is the clients connected, MAX the limit")
                            .got("it logged: " + line)
                            .error();
                }
            }
        }
    }
}
