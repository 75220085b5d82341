package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.lesson.NotApplicable;
import dev.echokit.grader.process.Probe;
import dev.echokit.grader.process.RunningServer;
import dev.echokit.grader.process.ThreadUse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("echo")
@DisplayName("Echo still works")
@ExtendWith(GraderExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one server for these checks, per grading run (classroom runs in parallel)
public class EchoChecks {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /**
     * Above this share of one core, an idle server is polling rather than waiting. Measured here: a
     * selectNow() loop 100 %, select(1) with a log line per turn 2 %, the solution 0 %. The bar
     * sits low because a spinning server shares the cores with everything a class grading runs.
     */
    private static final int IDLE_CPU_PERCENT = 10;


    private RunningServer server;

    @BeforeAll
    void startServer(Grading grading) throws Exception {
        server = grading.serve(grading.part());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("each line comes back to its sender")
    void echoesLines(Grading grading) throws Exception {
        try (Probe client = Probe.connect(server.port()).watchedBy(server)) {
            for (String line : List.of("hello", "héllo wörld", "   spaces   ", "x".repeat(3000))) {
                Probe.Received back = client.echo(line, dev.echokit.grader.process.Patience.of(WAIT));
                if (!back.text().equals(line + "\n")) {
                    throw grading.feedback(grading.part(), server)
                            .did("sent " + Probe.quote(line + "\n") + " and read what came back") // the measured wait is in got
                            .expected("the same bytes back")
                            .got(back.describe())
                            .error();
                }
            }
        }
    }

    @Test
    @Order(2)
    @DisplayName("8 MiB sent while reading come back intact and in order")
    void echoesLargePayload(Grading grading) throws Exception {
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(12).nextBytes(payload);
        try (Probe client = Probe.connect(server.port()).watchedBy(server)) {
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    client.send(payload);
                } catch (Exception e) {
                    // Seen by the reader as a short read.
                }
            });
            Probe.Received back = client.read(payload.length, Duration.ofSeconds(20));
            if (back.ending() != Probe.Ending.COMPLETE) {
                client.close(); // a writer held up by a server that stopped reading fails now, not in 5 s
            }
            try {
                writing.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // the write did not finish: what was read says why
            }
            int mismatch = firstDifference(payload, back.bytes());
            if (back.bytes().length != payload.length || mismatch >= 0) {
                throw grading.feedback(grading.part(), server)
                        .did("sent 8 MiB of random bytes while reading what came back")
                        .expected("all " + payload.length + " bytes back, in order")
                        .got((back.unanswered() != null ? back.describe() : "received " + back.bytes().length + " bytes, then "
                                + back.ending().words()) + (mismatch >= 0 ? "; the first wrong byte is at offset " + mismatch : ""))
                        .hint(back.unanswered() != null
                                ? "the server stopped serving this client before all of it came back: its loop is held somewhere, spinning or"
                                        + " blocked (the check above, with one short line, may show where)"
                                : "a write may send only part of a buffer: keep the rest and write it when the channel is writable (OP_WRITE)")
                        .error();
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("several clients at once each get only their own bytes")
    void servesSeveralClients(Grading grading) throws Exception {
        List<Probe> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(Probe.connect(server.port()).watchedBy(server));
            }
            for (int round = 0; round < 10; round++) {
                for (int i = clients.size() - 1; i >= 0; i--) {
                    String line = "client " + i + " round " + round;
                    Probe.Received back = clients.get(i).echo(line, dev.echokit.grader.process.Patience.of(WAIT));
                    if (!back.text().equals(line + "\n")) {
                        throw grading.feedback(grading.part(), server)
                                .did("connected 5 clients and had each send its own lines in turn")
                                .expected("client " + i + " to get " + Probe.quote(line + "\n") + " back")
                                .got(back.describe())
                                .error();
                    }
                }
            }
        } finally {
            for (Probe client : clients) {
                client.close();
            }
        }
    }

    @Test
    @Order(4)
    @DisplayName("the log has one line per event, not a flood")
    void logIsQuiet(Grading grading) throws Exception {
        Idle idle = idle();
        int afterTraffic = idle.linesBefore();
        int whileIdle = idle.linesDuring();
        if (afterTraffic > 200 || whileIdle > 10 || server.log().dropped() > 0) {
            throw grading.feedback(grading.part(), server)
                    .did("ran the echo checks above: 7 connections, a few hundred lines of traffic")
                    .expected("about one log line per connection event (accepted, closed): under 200 lines")
                    .got("printed " + (server.log().size() + server.log().dropped()) + " lines, " + whileIdle
                            + " of them in one second with no traffic at all")
                    .hint("log events, not bytes or loop turns; a print inside the select loop floods the output")
                    .error();
        }
    }

    @Test
    @Order(5)
    @Tag("architecture")
    @DisplayName("an idle server waits in select() and uses almost no CPU")
    void idleServerUsesNoCpu(Grading grading) throws Exception {
        // Where the machine tells how long each thread wanted a core, that is judged: it is the same on
        // a busy machine as on an idle one. Elsewhere, CPU time, which a busy machine makes smaller.
        Idle idle = idle();
        Optional<List<ThreadUse>> threads = idle.threads();
        if (threads.isPresent()) {
            Optional<ThreadUse> polling = threads.get().stream().filter(t -> t.polls(IDLE_CPU_PERCENT)).findFirst();
            if (polling.isPresent()) {
                ThreadUse t = polling.get();
                throw grading.blame(grading.part(), grading.feedback(grading.part(), server)
                        .did("left the server idle for " + idle.wallMillis() + " ms (once, for this check and the log check), with no client"
                                + " sending anything, and watched each of its threads")
                        .expected("every thread asleep, as an idle loop is in select() until something happens: under "
                                + IDLE_CPU_PERCENT + " % of a core, and never wanting one for half the second without sleeping")
                        .got("one thread ran " + Math.round(t.running() * 100) + " % of the second, wanted a core "
                                + Math.round(t.wanting() * 100) + " % of it, and went to sleep " + t.sleeps()
                                + " times: its loop polls instead of waiting")
                        .hint("call selector.select() (or select(timeout)) so the thread sleeps; selectNow() or a short timeout in a loop spins", Feedback.Terms.LESSON_JAVA),
                        Behaviour.ECHOES);
            }
            return;
        }
        if (idle.cpu().isEmpty()) {
            // No figure, for one of two reasons: say the one that holds (a server stopped at a limit was once told its platform's).
            throw new NotApplicable(server.isAlive() ? "this platform does not report a process's CPU time"
                    : "the server was no longer running to be measured" + server.stoppedAtLimit().map(limit -> " (" + limit.sentence() + ")")
                            .orElse(" (its process had ended)"));
        }
        long wallMillis = idle.wallMillis();
        long cpuMillis = idle.cpu().get().toMillis();
        if (cpuMillis * 100 > wallMillis * IDLE_CPU_PERCENT) {
            // A server stuck in a busy loop spins too; that is the echo's failure, so echo is asked first.
            throw grading.blame(grading.part(), grading.feedback(grading.part(), server)
                    .did("left the server idle for " + wallMillis + " ms (once, for this check and the log check), with no client"
                            + " sending anything, and measured its CPU time")
                    .expected("under " + IDLE_CPU_PERCENT + " % of one core: an idle loop sleeps in select() until something happens")
                    .got("it used " + cpuMillis + " ms of CPU in " + wallMillis + " ms: its loop polls instead of waiting")
                    .hint("call selector.select() (or select(timeout)) so the thread sleeps; selectNow() or a short timeout in a loop spins", Feedback.Terms.LESSON_JAVA),
                    Behaviour.ECHOES);
        }
    }

    /**
     * The server left idle for one second, watched once for the two checks that judge an idle server
     * (its log, its CPU) instead of once each. First it may finish logging the clients above (it may
     * still be closing the last ones): until no line has come for 300 ms, for 3 s at most, which a
     * flooding server never reaches. Then a measurement window, not a synchronisation: each thread's
     * use where /proc tells it, the process's CPU time elsewhere, and the lines it printed.
     */
    private record Idle(int linesBefore, int linesDuring, Optional<List<ThreadUse>> threads, Optional<Duration> cpu, long wallMillis) {
    }

    private Idle idle;

    private Idle idle() throws InterruptedException {
        if (idle == null) {
            server.log().awaitQuiet(Duration.ofMillis(300), Duration.ofSeconds(3));
            int before = server.log().size();
            Optional<Duration> cpuBefore = server.cpuTime();
            long start = System.nanoTime();
            Optional<List<ThreadUse>> threads = server.threadUse(Duration.ofSeconds(1));
            long wallMillis = (System.nanoTime() - start) / 1_000_000;
            Optional<Duration> cpu = cpuBefore.flatMap(b -> server.cpuTime().map(after -> after.minus(b)));
            idle = new Idle(before, server.log().size() - before, threads, cpu, wallMillis);
        }
        return idle;
    }

    private static int firstDifference(byte[] expected, byte[] actual) {
        int n = Math.min(expected.length, actual.length);
        for (int i = 0; i < n; i++) {
            if (expected[i] != actual[i]) {
                return i;
            }
        }
        return -1;
    }
}
