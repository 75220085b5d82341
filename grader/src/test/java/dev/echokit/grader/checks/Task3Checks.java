package dev.echokit.grader.checks;

import dev.echokit.grader.Probe;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("task:3")
@DisplayName("Task 3 — tell the client, then close")
@ExtendWith(GraderExtension.class)
class Task3Checks {

    @Test
    @DisplayName("a client past the limit promptly reads \"server at capacity\\n\" and then end of stream")
    void refusedClientReadsTheLine(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 3, 2)) {
            scenario.fill();
            for (int i = 1; i <= 3; i++) {
                scenario.expectRefused("connected 2 clients, then extra client " + i);
            }
        }
    }

    @Test
    @DisplayName("admitted clients keep echoing while others are refused")
    void admittedClientsKeepEchoing(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 3, 2)) {
            scenario.fill();
            for (int i = 1; i <= 5; i++) {
                scenario.expectRefused("connected 2 clients, then extra client " + i);
                for (Probe client : scenario.admitted) {
                    Probe.Received back = client.echo("still here " + i, Scenario.ECHO_WAIT);
                    if (!back.text().equals("still here " + i + "\n")) {
                        throw grading.feedback(3, scenario.server)
                                .did(scenario.setup() + ", filled it, refused " + i + " more clients, then echoed on an admitted client")
                                .expected("the admitted client to be served as before")
                                .got(back.describe())
                                .hint("refusing must touch only the refused channel: never close or count an admitted one")
                                .error();
                    }
                }
            }
        }
    }
}
