package dev.echokit.grader.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.process.LogLine;
import dev.echokit.grader.process.Probe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Judgments made from what was recorded, with no server and no socket: what one refused client
 * saw, and what a server's own log lines show about its count. Each observation is written here as
 * the grader records it.
 */
@Tag("selftest")
@DisplayName("Judgments from recorded observations")
@ExtendWith(SelfTestCondition.class)
class RecordedJudgmentTest {

    private static Probe.Received saw(String text, Probe.Ending ending) {
        return new Probe.Received(text.getBytes(StandardCharsets.UTF_8), ending, 3);
    }

    @ParameterizedTest(name = "{0} then {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "server at capacity\\n | END_OF_STREAM | CLEAN",
            "''                    | REFUSED       | REFUSED_AT_CONNECT",
            "''                    | TIMEOUT       | LEFT_WAITING",
            "server at capacity\\n | TIMEOUT       | LEFT_OPEN",
            "''                    | END_OF_STREAM | SILENT_CLOSE",
            "server at capacity    | END_OF_STREAM | NO_NEWLINE",
            "server at capacity\\n | RESET         | RESET",
            "''                    | RESET         | RESET",
            "Server at capacity\\n | END_OF_STREAM | OTHER_WORDS",
            "server at capacity\\r\\n | END_OF_STREAM | OTHER_WORDS"})
    @DisplayName("a refused client's bytes and ending are judged against task 3's contract, each cause with its own hint")
    void refusalsAreJudgedFromWhatTheClientSaw(String text, Probe.Ending ending, Refusal expected) {
        Refusal judged = Refusal.of(saw(text.replace("\\n", "\n").replace("\\r", "\r"), ending));
        assertThat(judged).isEqualTo(expected);
        assertThat(judged.hint().isEmpty()).isEqualTo(expected == Refusal.CLEAN);
    }

    @Test
    @DisplayName("a client left waiting is told by what /proc saw: still queued, or accepted and left alone; unseen, both causes")
    void leftWaitingIsToldByWhatWasSeen() {
        Probe.Received queued = new Probe.Received(new byte[0], Probe.Ending.TIMEOUT, 340,
                new Probe.Unanswered(false, "the server never accepted the connection (it waits in the listener's queue)"));
        Probe.Received alone = new Probe.Received(new byte[0], Probe.Ending.TIMEOUT, 340,
                new Probe.Unanswered(true, "the server accepted the connection, then neither wrote to it nor closed it"));
        assertThat(Refusal.of(queued)).isEqualTo(Refusal.LEFT_IN_BACKLOG);
        assertThat(Refusal.of(alone)).isEqualTo(Refusal.LEFT_ALONE);
        assertThat(Refusal.LEFT_ALONE.hint()).doesNotContain("never accepted");
        assertThat(Refusal.LEFT_IN_BACKLOG.hint()).doesNotContain("left it alone");
        assertThat(Refusal.LEFT_WAITING.hint()).contains("never accepted").contains("left alone");
    }

    private static List<LogLine> log(String... lines) {
        return IntStream.range(0, lines.length).mapToObj(i -> new LogLine(i, lines[i])).toList();
    }

    @Test
    @DisplayName("the count rising with each refusal is named only when the refusal lines show it")
    void refusalsCountedIn() {
        assertThat(LogEvidence.refusalsCountedHint(log("accepted connection from a:1 (1/1)", "rejected connection: at capacity (1/1)",
                "rejected connection: at capacity (2/1)", "rejected connection: at capacity (3/1)"))).hasValueSatisfying(h ->
                assertThat(h).contains("(1, 2, 3)"));
        assertThat(LogEvidence.refusalsCountedHint(log("accepted connection from a:1 (1/1)", "rejected connection: at capacity (1/1)",
                "rejected connection: at capacity (1/1)"))).isEmpty();
        // The last run of refusals is the one quoted: the log tail beside the hint shows the last lines.
        assertThat(LogEvidence.refusalsCountedHint(log("rejected connection: at capacity (2/2)", "rejected connection: at capacity (3/2)",
                "closed connection from a:1 (2/2)", "rejected connection: at capacity (16/2)", "rejected connection: at capacity (17/2)",
                "rejected connection: at capacity (18/2)", "rejected connection: at capacity (19/2)"))).hasValueSatisfying(h ->
                assertThat(h).contains("(17, 18, 19)"));
        // After a departure the count starts lower: not evidence of counting refusals.
        assertThat(LogEvidence.refusalsCountedHint(log("rejected connection: at capacity (1/1)", "closed connection from a:1 (0/1)",
                "rejected connection: at capacity (2/1)"))).isEmpty();
    }

    @Test
    @DisplayName("a departure counted down twice is named from the closed lines: below zero, or one peer closed twice")
    void countedDownTwice() {
        assertThat(LogEvidence.countHint(log("closed connection from a:1 (0/2)", "closed connection from a:1 (-1/2)")))
                .hasValueSatisfying(h -> assertThat(h).contains("below zero (-1/2)"));
        assertThat(LogEvidence.countHint(log("closed connection from a:1 (1/2)", "closed connection from a:1 (0/2)")))
                .hasValueSatisfying(h -> assertThat(h).contains("a:1 closed twice"));
        assertThat(LogEvidence.countHint(log("closed connection from a:1 (1/2)", "closed connection from a:2 (0/2)"))).isEmpty();
    }

    @Test
    @DisplayName("a refusal that frees a slot is named only when an admission follows it with nobody leaving in between")
    void refusalFreedASlot() {
        assertThat(LogEvidence.refusalFreedHint(log("accepted connection from a:1 (1/1)", "rejected connection: at capacity (1/1)",
                "accepted connection from a:3 (1/1)"))).isPresent();
        assertThat(LogEvidence.refusalFreedHint(log("accepted connection from a:1 (1/1)", "rejected connection: at capacity (1/1)",
                "closed connection from a:1 (0/1)", "accepted connection from a:3 (1/1)"))).isEmpty();
    }
}
