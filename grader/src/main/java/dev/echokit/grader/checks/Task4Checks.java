package dev.echokit.grader.checks;

import dev.echokit.grader.Part;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Tag("task:4")
@Order(5)
@DisplayName("Task 4 — log every refusal")
@ExtendWith(GraderExtension.class)
@Execution(ExecutionMode.CONCURRENT) // each check starts its own server on its own port
class Task4Checks {

    private static final Pattern REJECTED = Pattern.compile("rejected connection: at capacity \\((\\d+)/(\\d+)\\)\\s*$");

    @Test
    @DisplayName("each refusal logs one line \"rejected connection: at capacity (N/MAX)\" with N = MAX")
    void logsEachRefusal(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, Part.TASK_4, 2, Part.TASK_2, Part.TASK_3, Part.TASK_5)) {
            scenario.fill();
            for (int i = 1; i <= 3; i++) {
                scenario.expectEnded("connected 2 clients, then extra client " + i);
            }
            var log = scenario.server.log();
            log.await(line -> line.contains("rejected connection"), 3, Duration.ofSeconds(2));
            // One more admitted round trip: anything the server still had to log about the refusals is out by now.
            scenario.admitted.get(0).echo("sync", Scenario.ECHO_WAIT);
            List<String> rejected = log.matching(line -> line.contains("rejected connection"));
            List<String> wellFormed = rejected.stream().filter(line -> REJECTED.matcher(line).find()).toList();
            String did = scenario.setup() + ", filled it, then had 3 more clients turned away";
            if (wellFormed.size() != 3 || rejected.size() != 3) {
                throw scenario.fail(scenario.feedback()
                        .did(did)
                        .expected("exactly 3 lines ending in \"rejected connection: at capacity (2/2)\"")
                        .got(rejected.isEmpty() ? "no line contains \"rejected connection\""
                                : rejected.size() + " lines contain \"rejected connection\", " + wellFormed.size() + " of them in the contract's form")
                        .hint(rejected.isEmpty() ? "call Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\") in refuse"
                                : "log once per refused client, in exactly this form: rejected connection: at capacity (N/MAX)"));
            }
            List<Integer> counts = new ArrayList<>();
            for (String line : wellFormed) {
                Matcher m = REJECTED.matcher(line);
                m.find();
                counts.add(Integer.parseInt(m.group(1)));
                if (!m.group(2).equals("2")) {
                    throw scenario.fail(scenario.feedback().did(did)
                            .expected("MAX = 2 in every refusal line, the limit the server was given")
                            .got("it logged: " + line)
                            .hint("the second number is the limit: print maxClients"));
                }
            }
            if (counts.stream().anyMatch(n -> n != 2)) {
                // A count that grows with each refusal means the refusals are counted (task 3's rule);
                // asking task 3 first keeps that from being charged here.
                throw scenario.fail(scenario.feedback().did(did)
                        .expected("(2/2) in every refusal line: N is the clients connected, which at a refusal is MAX")
                        .got("it logged N = " + counts + " in the 3 refusal lines: " + wellFormed.get(0).replaceFirst("^\\[\\+\\d+ ms\\] ", ""))
                        .hint("print the number of clients connected right now, the same count the accepted lines use"));
            }
        }
    }
}
