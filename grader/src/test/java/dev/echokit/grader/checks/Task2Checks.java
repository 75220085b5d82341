package dev.echokit.grader.checks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("task:2")
@DisplayName("Task 2 — check the count before admitting")
@ExtendWith(GraderExtension.class)
class Task2Checks {

    @ParameterizedTest(name = "--max-clients {0}")
    @ValueSource(ints = {1, 3})
    @DisplayName("exactly MAX clients are admitted, and the next one is never echoed")
    void admitsExactlyMax(int max, Grading grading) throws Exception {
        try (Scenario scenario = Scenario.start(grading, 2, max)) {
            scenario.fill();
            scenario.expectNotAdmitted("connected " + max + " clients, then one more");
            scenario.expectNotAdmitted("connected " + max + " clients, then two more");
        }
    }
}
