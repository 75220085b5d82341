package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.process.LogLine;
import dev.echokit.grader.process.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Departures in every way a client can leave. These checks make no refusal before a departure (a
 * counted refusal is task 3's mistake); each ends with one client past the limit, which must not
 * be served: a departure frees one slot, not two.
 */
@Tag("task:5")
@DisplayName("Task 5 — give the slot back")
@ExtendWith(GraderExtension.class)
@Execution(ExecutionMode.CONCURRENT) // each check starts its own server on its own port
public class Task5Checks {

    @Test
    @DisplayName(Proof.CHECK)
    void cleanCloseFreesOneSlot(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 3, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            scenario.admitted.remove(0).close();
            scenario.admitAfterDeparture("closed one client cleanly");
            scenario.expectNotAdmitted("filled it, closed one, let a new one in, then connected another");
            scenario.keepLogAsProof();
        });
    }

    @Test
    @DisplayName("a client that resets its connection frees exactly one slot")
    void resetFreesOneSlot(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 3, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            scenario.admitted.remove(1).reset();
            scenario.admitAfterDeparture("reset one client's connection (as a crashed client would)");
            scenario.expectNotAdmitted("filled it, reset one, let a new one in, then connected another");
        });
    }

    /**
     * A client stops reading while it sends, so the server's output to it backs up, then it resets:
     * the server finds out when a write fails, and that path must free the slot too.
     */
    @Test
    @DisplayName("a client whose write fails (it stopped reading, then reset) frees exactly one slot")
    void failedWriteFreesOneSlot(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 2, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            Probe greedy = scenario.admitted.remove(0);
            // Backed up once 300 ms pass without progress with the server asleep (see GreedyWriter).
            GreedyWriter writer = GreedyWriter.writeUntilStalled(greedy, scenario.server, 32L * 1024 * 1024, Duration.ofMillis(300), Duration.ofSeconds(10));
            greedy.reset();
            writer.awaitEnd();
            scenario.admitAfterDeparture("had one client send without reading until the server's output to it backed up,"
                    + " then reset its connection");
            scenario.expectNotAdmitted("let that client fail, let a new one in, then connected another");
        });
    }

    @Test
    @DisplayName("after many departures (close, reset, half-close) the count has not drifted: exactly MAX fit again")
    void countDoesNotDrift(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 3, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            for (int round = 1; round <= 4; round++) {
                scenario.admitted.remove(0).close();
                scenario.admitted.remove(0).reset();
                Probe halfClosed = scenario.admitted.remove(0);
                halfClosed.shutdownOutput();
                halfClosed.readToEnd(Scenario.echoWait());
                halfClosed.close();
                for (int departed = 1; departed <= 3; departed++) {
                    scenario.admitAfterDeparture("in round " + round + " let 3 clients leave (close, reset, half-close)"
                            + (departed == 1 ? "" : ", let " + (departed == 2 ? "1 new client" : "2 new clients") + " in"));
                }
            }
            scenario.expectNotAdmitted("after 4 rounds of 3 departures and 3 new clients, connected one more");
        });
    }

    /**
     * A closed line one behind, in words that fit what was seen. The departures go clean close, reset,
     * clean close: one behind at the first means the line is written before the count goes down (or
     * the count is selector.keys(), which keeps a cancelled key until the next select); right at the
     * first and one behind at the reset means only a clean close counts down.
     */
    private static String oneBehind(int left) {
        if (left == 2) {
            return "the clean close before it was counted down, this reset was not: the count goes down only at end of stream."
                    + " A reset or any I/O error must free the slot through the same close as a clean departure";
        }
        return "the line shows the count before the client left: the line is written before the count goes down, or the count"
                + " comes from selector.keys(), which keeps a cancelled key until the next select(). Keep a count of your own, and count it"
                + " down before the line is written";
    }

    @Test
    @DisplayName("each \"closed connection\" line ends with (N/MAX): the clients still connected")
    void closedLinesCountClients(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 3, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            int l = scenario.limit;
            int m = scenario.max;
            java.util.Set<Integer> gone = new java.util.HashSet<>();
            for (int left = 1; left <= Math.min(l, 3); left++) {
                Probe leaving = scenario.admitted.remove(0);
                gone.add(leaving.localPort());
                if (left == 2) {
                    leaving.reset();
                } else {
                    leaving.close();
                }
                Scenario.awaitDepartures(scenario.server, left, gone);
                List<LogLine> closed = scenario.server.log().matching(line -> line.contains("closed connection"));
                String expected = "(" + (l - left) + "/" + m + ")";
                String did = scenario.setup() + ", connected " + Scenario.clients(l) + ", then let " + (left == 1 ? "1 of them leave"
                        : left + " of them leave, one at a time, the second with a reset");
                if (closed.size() < left) {
                    throw scenario.fail(scenario.feedback().did(did)
                            .expected((left == 1 ? "1 line" : left + " lines") + " \"closed connection from HOST:PORT (N/" + m + ")\", the last ending in " + expected)
                            .got(closed.isEmpty() ? "no line contains \"closed connection\"" : "only " + closed.size() + (closed.size() == 1 ? " such line" : " such lines"))
                            .hint("log each departure once, in the one place every way of leaving goes through").aboutItsLog());
                }
                LogLine line = closed.get(left - 1);
                Matcher count = Task2Checks.COUNT.matcher(line.text());
                if (count.find() && !count.group().strip().equals(expected) && Integer.parseInt(count.group(1)) == l - left + 1
                        && left < Math.min(l, 3)) {
                    // One behind: logged before counting down, or never counted down at all. The next departures tell which.
                    String hint = neverCountedDown(scenario, left) ? "the count never goes down: every closed line shows (" + l + "/" + m + ")."
                            + " Count down (clients--) when a connection closes, then log"
                            : oneBehind(left);
                    throw scenario.fail(scenario.feedback().did(did)
                            .expected("closed line " + left + " to end with " + expected + ": " + Scenario.clients(l - left) + " still connected, limit " + m)
                            .got("it logged: " + line.stamped())
                            .hint(hint, Feedback.Terms.LESSON_JAVA)); // clients--, selector.keys()
                }
                if (!count.find(0) || !count.group().strip().equals(expected)) {
                    throw scenario.fail(scenario.feedback().did(did)
                            .expected("closed line " + left + " to end with " + expected + ": " + Scenario.clients(l - left) + " still connected, limit " + m)
                            .got("it logged: " + line.stamped())
                            .hint(!count.find(0) ? "end the closed line with \" (\" + clients + \"/\" + maxClients + \")\""
                                    : Integer.parseInt(count.group(1)) == l - left + 1
                                    ? oneBehind(left)
                                    : "N is the number of clients still connected after this one left, MAX the limit",
                                    !count.find(0) || Integer.parseInt(count.group(1)) == l - left + 1 ? Feedback.Terms.LESSON_JAVA : Feedback.Terms.ANY_LANGUAGE));
                }
            }
        });
    }

    /** Lets the other admitted clients leave too: true when every closed line then still shows (L/MAX), the full count. */
    private static boolean neverCountedDown(Scenario scenario, int left) throws Exception {
        int leaving = Math.min(scenario.limit, 3);
        for (int more = left + 1; more <= leaving; more++) {
            scenario.admitted.remove(0).close();
        }
        scenario.server.log().await(line -> line.contains("closed connection"), leaving, dev.echokit.grader.process.Patience.of(Duration.ofSeconds(2)));
        List<String> closed = scenario.server.log().matching(line -> line.contains("closed connection")).stream().map(LogLine::text).toList();
        String full = "(" + scenario.limit + "/" + scenario.max + ")";
        return closed.size() >= 2 && closed.stream().allMatch(line -> line.endsWith(full));
    }

    @Test
    @DisplayName("a refused connection frees no slot: clients past the limit stay turned away")
    void refusalFreesNoSlot(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 2, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            scenario.expectNotAdmitted("connected " + Scenario.clients(scenario.limit) + ", then one more");
            for (int i = 2; i <= 3; i++) {
                try {
                    scenario.expectNotAdmitted("connected " + Scenario.clients(scenario.limit) + ", had " + (i - 1) + " more turned away, then another");
                } catch (AssertionError admitted) {
                    // The admission's own log line may reach the grader after the client's echo: wait for it, briefly.
                    scenario.server.log().await(line -> line.contains("accepted connection"), scenario.limit + 1,
                            dev.echokit.grader.process.Patience.of(Duration.ofSeconds(1)));
                    Optional<String> freed = LogEvidence.refusalFreedHint(scenario.server.log().lines());
                    throw scenario.fail(scenario.feedback()
                            .did(scenario.setup() + ", connected " + Scenario.clients(scenario.limit) + ", had " + (i - 1) + " more turned away, then connected another")
                            .expected("that client to be turned away too: a refused connection was never counted")
                            .got("its line came back: refusing a client freed a slot")
                            .hint(freed.orElse("a refused connection must not be counted down either: only an admitted client's close gives a slot back"),
                                    freed.isPresent() ? Feedback.Terms.LESSON_JAVA : Feedback.Terms.ANY_LANGUAGE)); // connectionClosed
                }
            }
        });
    }
}
