package dev.echokit.grader.checks;

import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a check of the lesson: two checks that end the ways a real one must never show a learner —
 * past JUnit's time limit, and with a bare I/O exception — so the self-test can see the grader
 * turn both into feedback. Only the self-test selects it.
 */
@Tag("task:2")
@ExtendWith(GraderExtension.class)
class MisbehavingCheckFixture {

    @Test
    @Timeout(value = 1, unit = TimeUnit.SECONDS)
    @DisplayName("a check that outlives its time limit")
    void outlivesItsTimeLimit(Grading grading) throws Exception {
        try (var server = grading.serve(dev.echokit.grader.Parts.TASK_2, "--max-clients", "2")) {
            Thread.sleep(5000); // bounded by the fixture's own 1 s limit
        }
    }

    @Test
    @DisplayName("a check that meets a bare I/O error")
    void meetsABareIoError(Grading grading) throws Exception {
        throw new SocketException("Connection reset");
    }
}
