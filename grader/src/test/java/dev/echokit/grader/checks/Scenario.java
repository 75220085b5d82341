package dev.echokit.grader.checks;

import dev.echokit.grader.Probe;
import dev.echokit.grader.RunningServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The moves the limit checks make against one server — admit a client, expect a refusal, free a
 * slot — each failing with a message that says what happened, for the task being checked.
 */
final class Scenario implements AutoCloseable {

    static final String AT_CAPACITY = "server at capacity\n";
    static final Duration ECHO_WAIT = Duration.ofSeconds(3);
    /** A refused client must read the line and the end of stream within this; later means it waited in the backlog. */
    static final Duration PROMPT = Duration.ofSeconds(2);
    /** How long a client past the limit is given to prove it was not admitted. */
    static final Duration NOT_ECHOED_WAIT = Duration.ofMillis(1500);

    final Grading grading;
    final RunningServer server;
    final int task;
    final int max;
    final List<Probe> admitted = new ArrayList<>();
    private long departures; // clients that left, to wait for as many "closed connection" lines

    private Scenario(Grading grading, RunningServer server, int task, int max) {
        this.grading = grading;
        this.server = server;
        this.task = task;
        this.max = max;
    }

    static Scenario start(Grading grading, int task, int max) throws IOException, InterruptedException {
        return new Scenario(grading, grading.serve(task, "--max-clients", Integer.toString(max)), task, max);
    }

    String setup() {
        return "started the server with --max-clients " + max;
    }

    /** Connects a client that must be admitted: its line must come back. */
    Probe admit(String why) throws IOException {
        Probe client = Probe.connect(server.port());
        Probe.Received back = client.echo("hello from client " + (admitted.size() + 1), ECHO_WAIT);
        if (!back.text().startsWith("hello from client")) {
            client.close();
            throw grading.feedback(task, server)
                    .did(setup() + ", " + why)
                    .expected("that client to be admitted: its line echoed within " + ECHO_WAIT.toSeconds() + " s")
                    .got(back.describe())
                    .hint(back.bytes().length > 0 && back.text().startsWith("server at capacity")
                            ? "the server refused a client while it had a free slot: is the count too high, or the check off by one?"
                            : hintFor(back))
                    .error();
        }
        admitted.add(client);
        return client;
    }

    /** Fills every slot. */
    void fill() throws IOException {
        for (int i = admitted.size(); i < max; i++) {
            admit("then connected client " + (i + 1) + " of " + max);
        }
    }

    /** Connects one more client, which must read exactly the capacity line and then a clean end of stream, promptly. */
    void expectRefused(String why) throws IOException {
        try (Probe client = Probe.connect(server.port())) {
            Probe.Received got = client.readToEnd(PROMPT);
            if (!got.text().equals(AT_CAPACITY) || got.ending() != Probe.Ending.END_OF_STREAM) {
                throw grading.feedback(task, server)
                        .did(setup() + ", " + why + ", then read from it for up to " + PROMPT.toSeconds() + " s")
                        .expected("exactly " + Probe.quote(AT_CAPACITY) + " followed by end of stream")
                        .got(got.describe())
                        .hint(refusalHint(got))
                        .error();
            }
        }
    }

    /** Connects one more client, which must not be admitted: its line must never come back. */
    void expectNotAdmitted(String why) throws IOException {
        try (Probe client = Probe.connect(server.port())) {
            Probe.Received back = client.echo("knock knock", NOT_ECHOED_WAIT);
            if (back.text().contains("knock knock")) {
                throw grading.feedback(task, server)
                        .did(setup() + ", " + why + ", and had it send a line")
                        .expected("client " + (max + 1) + " not to be served, since " + max + " clients are connected")
                        .got("its line came back: the server admitted " + (max + 1) + " clients")
                        .hint("compare the count with the limit before admitting; at the limit (count >= max) refuse")
                        .error();
            }
        }
    }

    /** Waits until a new client is admitted after a departure, retrying refusals briefly; fails if none is. */
    Probe admitAfterDeparture(String departure) throws IOException, InterruptedException {
        departures++;
        // The contract's "closed connection" line tells when the server has noticed; wait for it
        // briefly, then try clients until the deadline in case this server logs differently.
        server.awaitLines(line -> line.contains("closed connection"), departures, Duration.ofSeconds(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        Probe.Received last = null;
        while (System.nanoTime() < deadline) {
            Probe client = Probe.connect(server.port());
            Probe.Received back = client.echo("is there room now?", ECHO_WAIT);
            if (back.text().equals("is there room now?\n")) {
                admitted.add(client);
                return client;
            }
            client.close();
            last = back;
            Thread.sleep(50); // back-off between tries; the loop is bounded by the deadline
        }
        throw grading.feedback(task, server)
                .did(setup() + ", filled it, " + departure + ", then tried new clients for 3 s")
                .expected("a new client to take the freed slot")
                .got("every new client was refused; the last one " + (last == null ? "got nothing" : last.describe()))
                .hint("when a client leaves — clean close, end of stream, reset or I/O error — its slot must be given back, exactly once")
                .error();
    }

    static String hintFor(Probe.Received got) {
        return switch (got.ending()) {
            case TIMEOUT -> "no answer: is the selector loop blocked, or was the connection never accepted?";
            case RESET -> "the server reset the connection: it closed while data was unread, or crashed";
            case END_OF_STREAM -> "the server closed the connection";
            case COMPLETE -> "";
        };
    }

    static String refusalHint(Probe.Received got) {
        if (got.ending() == Probe.Ending.TIMEOUT && got.bytes().length == 0) {
            return "nothing arrived: the client is waiting in the kernel's backlog. Keep calling accept() at the limit,"
                    + " then write the line and close";
        }
        if (got.ending() == Probe.Ending.TIMEOUT) {
            return "the line arrived but the connection stayed open: close it after writing";
        }
        if (got.ending() == Probe.Ending.END_OF_STREAM && got.bytes().length == 0) {
            return "the server closed without a word: write the line before closing";
        }
        if (got.text().equals("server at capacity")) {
            return "the line needs its newline: write \"server at capacity\\n\"";
        }
        if (got.ending() == Probe.Ending.RESET) {
            return "a reset instead of a clean close: shut down output after writing, read what the client sent, then close";
        }
        return "write exactly these 19 bytes: \"server at capacity\\n\" — same words, lower case, one newline";
    }

    @Override
    public void close() throws IOException {
        for (Probe client : admitted) {
            client.close();
        }
        server.close();
    }
}
