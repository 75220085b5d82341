package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.process.Probe;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Tag("task:3")
@DisplayName("Task 3 — tell the client, then close")
@ExtendWith(GraderExtension.class)
@Execution(ExecutionMode.CONCURRENT) // each check starts its own server on its own port
public class Task3Checks {

    /**
     * "connected 2 clients, then extra client 1", or, past the first, that the extras before it passed (once left
     * unsaid). Only that: one may have been taken into a slot a refusal freed, or refused and kept open, each judged elsewhere.
     */
    private static String extra(Scenario scenario, int i) {
        String connected = "connected " + Scenario.clients(scenario.limit);
        return i == 1 ? connected + ", then extra client 1"
                : connected + ", then extra client" + (i == 2 ? " 1 (it passed this check)" : "s 1 to " + (i - 1) + " (each passed this check)")
                        + ", then extra client " + i;
    }

    @Test
    @DisplayName("a client past the limit promptly reads \"server at capacity\\n\" and then end of stream")
    void refusedClientReadsTheLine(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 2, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            scenario.expectRefusedCleanly(extra(scenario, 1));
            for (int i = 2; i <= 3; i++) {
                scenario.expectRefused(extra(scenario, i));
            }
        });
    }

    @Test
    @DisplayName("admitted clients keep echoing while others are turned away")
    void admittedClientsKeepEchoing(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 2, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            for (int i = 1; i <= 5; i++) {
                scenario.expectEnded(extra(scenario, i));
                for (Probe client : scenario.admitted) {
                    Probe.Received back = client.echo("still here " + i, Scenario.echoWait());
                    if (!back.text().equals("still here " + i + "\n")) {
                        throw scenario.fail(scenario.feedback()
                                .did(scenario.setup() + ", filled it, turned away " + i + " more client" + (i == 1 ? "" : "s") + ", then echoed on an admitted client")
                                .expected("the admitted client to be served as before")
                                .got(back.describe())
                                .hint("refusing must touch only the refused channel: never close, count or register it"));
                    }
                }
            }
        });
    }

    /**
     * Refused clients that stay connected, reading nothing and closing nothing, must cost the server
     * nothing: it has closed its side (a byte they send then meets a reset, which an open socket
     * would never send) and its loop goes on serving the admitted client.
     */
    @Test
    @DisplayName("refused clients that stay connected hold nothing of the server's: it has closed them, and keeps serving")
    void refusedConnectionsAreClosed(Grading grading) throws Exception {
        int held = 20;
        Scenario.judge(grading, grading.part(), 1, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            List<Probe> refused = new ArrayList<>();
            java.util.OptionalInt before = scenario.server.openDescriptors(); // Linux's /proc; elsewhere the writes below judge alone
            try {
                for (int i = 1; i <= held; i++) {
                    Probe client = Probe.connect(scenario.server.port()).watchedBy(scenario.server);
                    refused.add(client);
                    String why = "connected " + Scenario.clients(scenario.limit) + ", then extra client " + i + " (kept open)";
                    if (i == 1 || scenario.leftWaiting(client, why).isEmpty()) {
                        scenario.expectEndedOn(client, why);
                        continue;
                    }
                    // The earlier ones were turned away, and this one is not while they stay: the refusal waits for them.
                    throw scenario.fail(scenario.feedback()
                            .did(scenario.setup() + ", filled it, kept " + Scenario.clients(i - 1) + " it turned away connected without a word,"
                                    + " and connected one more")
                            .expected("that client to be turned away too: its connection ended at once")
                            .got((i == 2 ? "the first was turned away" : "the first " + (i - 1) + " were turned away") + "; this one got"
                                    + " nothing while " + (i == 2 ? "it stays" : "they stay") + " connected, and a line it sent did not come back")
                            .hint("refusing seems to wait for the refused client to go (a blocking read, or a drain until end of stream):"
                                    + " this client was left unanswered meanwhile. Never wait for a refused client: write the line, shut down "
                                    + "output, read only what is already there, close"));
                }
                Probe.Received back = scenario.admitted.get(0).echo("still served?", Scenario.echoWait());
                if (!back.text().equals("still served?\n")) {
                    throw scenario.fail(scenario.feedback()
                            .did(scenario.setup() + ", filled it, then kept " + held + " turned-away clients connected without reading")
                            .expected("the admitted client to be served as before")
                            .got(back.describe())
                            .hint("refusing must never wait for the refused client: write, shut down output, drain what is there, close"));
                }
                if (before.isPresent()) {
                    heldDescriptors(scenario, before.getAsInt() + scenario.absorbed(), held); // each one let in holds one
                }
                for (int i = 0; i < refused.size(); i++) {
                    if (!scenario.admitted.contains(refused.get(i)) && !isClosedByServer(refused.get(i))) {
                        throw scenario.fail(scenario.feedback()
                                .did(scenario.setup() + ", filled it, kept " + held + " turned-away clients connected, then had each send a byte")
                                .expected("each byte to meet a reset within " + Scenario.roomWait().toSeconds()
                                        + " s: the server has closed its side of every refused connection")
                                .got("refused client " + (i + 1) + " could keep writing: the server still holds that connection open")
                                .hint("close the refused channel after writing the line (shutdownOutput() alone keeps the descriptor)"));
                    }
                }
            } finally {
                for (Probe client : refused) {
                    client.close();
                }
            }
        });
    }

    /** Refusals must leave the count alone: after some, one admitted client leaving frees its slot as usual. */
    @Test
    @DisplayName("refused connections are never counted: after refusals, a client that leaves still frees its slot")
    void refusalsAreNotCounted(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 2, new Behaviour[] {Behaviour.TURNS_AWAY, Behaviour.FREES_SLOTS}, scenario -> {
            scenario.fill();
            for (int i = 1; i <= 3; i++) {
                scenario.expectNotAdmitted(extra(scenario, i));
            }
            scenario.admitted.remove(0).close();
            scenario.admitAfterDeparture("filled it, had 3 clients turned away, then closed one admitted client",
                    "after 3 refusals, the freed slot was never offered again: the refused connections were counted",
                    () -> LogEvidence.refusedThenAdmittedHint(scenario.server.log().lines(), scenario.max)
                            .or(() -> LogEvidence.refusalsCountedHint(scenario.server.log().lines()))
                            .orElse("a refused connection is never counted: count a client only in the admit path"));
        });
    }

    /**
     * With {@code held} turned-away clients still connected and silent, the server's open descriptors
     * (counted in /proc) must be back near {@code before}: a refused channel kept open, registered
     * with the selector until its client hangs up, holds one descriptor per refusal, the very cost
     * refusing is meant to avoid. A server that lets a refused channel linger briefly is given until
     * the deadline to close it.
     */
    private static void heldDescriptors(Scenario scenario, int before, int held) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + dev.echokit.grader.process.Patience.of(java.time.Duration.ofSeconds(1)).toNanos();
        int now = scenario.server.openDescriptors().orElse(before);
        while (now - before >= held / 2 && System.nanoTime() < deadline) {
            Thread.sleep(50); // polls the count, which has no event of its own; bounded by the deadline
            now = scenario.server.openDescriptors().orElse(before);
        }
        if (now - before < held / 2) {
            return;
        }
        long watched = (System.nanoTime() - start) / 1_000_000;
        throw scenario.fail(scenario.feedback()
                .did(scenario.setup() + ", filled it, kept " + held + " turned-away clients connected without a word, and counted the"
                        + " server's open descriptors (/proc) for " + watched + " ms")
                .expected("about as many descriptors as before the refusals (" + before + "): each refused channel closed")
                .got(now + " open descriptors, " + (now - before) + " more: the server still holds the refused connections")
                .hint("a refused channel must be closed in refuse, not registered with the selector or kept until its client"
                        + " hangs up: every refusal kept open costs a descriptor, and enough of them stop the server accepting anyone", Feedback.Terms.LESSON_JAVA));
    }

    /** Writes a byte now and then until the connection fails; true when it does within the wait. */
    private static boolean isClosedByServer(Probe client) throws InterruptedException {
        long deadline = System.nanoTime() + Scenario.roomWait().toNanos();
        try {
            OutputStream out = client.socket().getOutputStream();
            while (System.nanoTime() < deadline) {
                out.write('x');
                out.flush();
                Thread.sleep(20); // gives the reset time to come back; bounded by the deadline
            }
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
        return false;
    }
}
