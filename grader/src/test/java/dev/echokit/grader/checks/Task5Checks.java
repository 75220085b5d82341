package dev.echokit.grader.checks;

import dev.echokit.grader.Probe;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("task:5")
@DisplayName("Task 5 — give the slot back")
@ExtendWith(GraderExtension.class)
class Task5Checks {

    @Test
    @DisplayName("a client that closes cleanly frees exactly one slot")
    void cleanCloseFreesOneSlot(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 5, 3)) {
            scenario.fill();
            scenario.expectRefused("connected 3 clients, then a 4th");
            scenario.admitted.remove(0).close();
            scenario.admitAfterDeparture("closed one client cleanly");
            scenario.expectRefused("filled it, closed one, let a new one in, then connected another");
            // This run shows the whole lesson in the log: the learner's proof.
            scenario.server.saveLog(proofFile(grading));
        }
    }

    @Test
    @DisplayName("a client that resets its connection frees exactly one slot")
    void resetFreesOneSlot(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 5, 3)) {
            scenario.fill();
            scenario.admitted.remove(1).reset();
            scenario.admitAfterDeparture("reset one client's connection (as a crashed client would)");
            scenario.expectRefused("filled it, reset one, let a new one in, then connected another");
        }
    }

    @Test
    @DisplayName("after many refusals and departures the count has not drifted: exactly MAX fit again")
    void countDoesNotDrift(Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 5, 3)) {
            scenario.fill();
            for (int round = 1; round <= 4; round++) {
                for (int i = 0; i < 5; i++) {
                    scenario.expectRefused("in round " + round + " filled it, then connected another");
                }
                // Leave in every way a client can: clean close, reset, half-close.
                scenario.admitted.remove(0).close();
                scenario.admitted.remove(0).reset();
                Probe halfClosed = scenario.admitted.remove(0);
                halfClosed.socket().shutdownOutput();
                halfClosed.readToEnd(Scenario.ECHO_WAIT);
                halfClosed.close();
                for (int departed = 1; departed <= 3; departed++) {
                    scenario.admitAfterDeparture("in round " + round + " let all 3 clients leave (close, reset, half-close)");
                }
                scenario.expectRefused("in round " + round + " let 3 clients leave and 3 new ones in, then connected another");
            }
        }
    }

    static Path proofFile(Grading grading) {
        return grading.workDir().resolve("proof").resolve("server.log");
    }
}
