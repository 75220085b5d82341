package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.process.LogLine;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("task:2")
@DisplayName("Task 2 — check the count before admitting")
@ExtendWith(GraderExtension.class)
@Execution(ExecutionMode.CONCURRENT) // each check starts its own server on its own port
public class Task2Checks {

    static final Pattern COUNT = Pattern.compile("\\((\\d+)/(\\d+)\\)\\s*$");

    @ParameterizedTest(name = "(--max-clients {0})")
    @ValueSource(ints = {1, 3})
    @DisplayName("exactly MAX clients are admitted, and the next ones are never echoed")
    void admitsExactlyMax(int max, Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, grading.part(), max)) {
            scenario.fill();
            scenario.expectNotAdmitted("connected " + Scenario.clients(max) + ", then one more");
            // A second one: a refusal must not free a slot (the part that frees slots says so); if it did, that is where to look.
            scenario.expectNotAdmitted("connected " + Scenario.clients(max) + ", had one more turned away, then another", Behaviour.FREES_SLOTS);
        }
    }

    @Test
    @DisplayName("each \"accepted connection\" line ends with (N/MAX): the clients connected, counting the new one")
    void acceptedLinesCountClients(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, grading.part(), 3)) {
            for (int n = 1; n <= 3; n++) {
                scenario.admit("then connected client " + n + " of 3");
                scenario.server.log().await(line -> line.contains("accepted connection"), n, dev.echokit.grader.process.Patience.of(Duration.ofSeconds(2)));
                List<LogLine> accepted = scenario.server.log().matching(line -> line.contains("accepted connection"));
                String expected = "(" + n + "/3)";
                if (accepted.size() < n) {
                    throw scenario.fail(scenario.feedback()
                            .did(scenario.setup() + ", then connected " + n + " client" + (n == 1 ? "" : "s") + ", each served")
                            .expected((n == 1 ? "1 line" : n + " lines") + " \"accepted connection from HOST:PORT (N/3)\", the last ending in " + expected)
                            .got(accepted.isEmpty() ? "no line contains \"accepted connection\"" : "only " + accepted.size() + (accepted.size() == 1 ? " such line" : " such lines"))
                            .hint("log each admitted client once: accepted connection from HOST:PORT (N/MAX)").aboutItsLog());
                }
                LogLine line = accepted.get(n - 1);
                Matcher count = COUNT.matcher(line.text());
                if (!count.find() || !count.group().strip().equals(expected)) {
                    throw scenario.fail(scenario.feedback()
                            .did(scenario.setup() + ", then connected " + n + " client" + (n == 1 ? "" : "s") + ", each served")
                            .expected("accepted line " + n + " to end with " + expected + ": " + n + (n == 1 ? " client" : " clients") + " connected, limit 3")
                            .got("it logged: " + line.stamped())
                            .hint(!count.find(0) ? "end the accepted line with \" (\" + clients + \"/\" + maxClients + \")\""
                                    : Integer.parseInt(count.group(1)) == n - 1
                                    ? "the line shows the count before this client: count it first, then log"
                                    : "N is the number of clients connected after this one was admitted, MAX the limit",
                                    !count.find(0) ? Feedback.Terms.LESSON_JAVA : Feedback.Terms.ANY_LANGUAGE));
                }
            }
        }
    }
}
