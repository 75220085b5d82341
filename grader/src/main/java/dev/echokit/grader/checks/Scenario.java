package dev.echokit.grader.checks;

import dev.echokit.grader.Feedback;
import dev.echokit.grader.Part;
import dev.echokit.grader.Probe;
import dev.echokit.grader.RunningServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The moves the limit checks make against one server — admit a client, see one turned away, free
 * a slot — for a check of one part. What a move needs from other tasks it sees in the weakest form
 * (a line that never comes back means "not admitted"); only the task being checked is held to the
 * exact contract. A move that goes wrong asks the earlier parts first, so a missing task shows as
 * "needs task N" and never as this part's failure.
 */
final class Scenario implements AutoCloseable {

    static final String AT_CAPACITY = "server at capacity\n";
    /** How long an admitted client's line may take to come back. */
    static final Duration ECHO_WAIT = Duration.ofSeconds(3);
    /** A refused client must read the line and the end of stream within this; later means it waited in the backlog. */
    static final Duration PROMPT = Duration.ofSeconds(2);
    /** How long a client past the limit is given to prove it was not admitted. */
    static final Duration NOT_ECHOED_WAIT = Duration.ofMillis(1500);
    /** How long a freed slot may take to be offered to a new client. */
    static final Duration ROOM_WAIT = Duration.ofSeconds(3);

    final Grading grading;
    final RunningServer server;
    final Part part;
    final int max;
    final List<Probe> admitted = new ArrayList<>();
    private final EnumSet<Part> needs;
    private int departures; // clients that left, to wait for as many "closed connection" lines

    private Scenario(Grading grading, RunningServer server, Part part, int max, EnumSet<Part> needs) {
        this.grading = grading;
        this.server = server;
        this.part = part;
        this.max = max;
        this.needs = needs;
    }

    /** Starts the server with {@code --max-clients max} for a check of {@code part} that relies on {@code needs}. */
    static Scenario start(Grading grading, Part part, int max, Part... needs) throws IOException, InterruptedException {
        EnumSet<Part> relied = EnumSet.of(Part.ECHO, Part.TASK_1);
        relied.addAll(List.of(needs));
        relied.remove(part);
        return new Scenario(grading, grading.serve(part, "--max-clients", Integer.toString(max)), part, max, relied);
    }

    String setup() {
        return "started the server with --max-clients " + max;
    }

    Feedback feedback() {
        return grading.feedback(part, server);
    }

    /** This part's failure, unless something it relies on (in lesson order) is missing. */
    Feedback.Failure fail(Feedback feedback, Part... alsoRelied) {
        EnumSet<Part> relied = EnumSet.copyOf(needs);
        relied.addAll(List.of(alsoRelied));
        relied.remove(part);
        return grading.blame(part, feedback, relied.toArray(Part[]::new));
    }

    /** Connects a client that must be admitted: its line must come back. */
    Probe admit(String why) throws IOException {
        Probe client = Probe.connect(server.port());
        Probe.Received back = client.echo("hello from client " + (admitted.size() + 1), ECHO_WAIT);
        if (!back.text().startsWith("hello from client")) {
            client.close();
            throw fail(feedback()
                    .did(setup() + ", " + why)
                    .expected("that client to be admitted (" + admitted.size() + " of " + max + " slots taken): its line echoed within "
                            + ECHO_WAIT.toSeconds() + " s")
                    .got(back.describe())
                    .hint(back.text().startsWith("server at capacity")
                            ? "the server refused a client while it had a free slot: is the count too high, or the comparison off by one?"
                            : hintFor(back)), Part.TASK_2);
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

    /** Task 3's contract, exactly: one more client reads {@code server at capacity\n}, then a clean end of stream, promptly. */
    void expectRefused(String why) throws IOException, InterruptedException {
        try (Probe client = Probe.connect(server.port())) {
            Probe.Received got = client.readToEnd(PROMPT);
            if (got.text().equals(AT_CAPACITY) && got.ending() == Probe.Ending.END_OF_STREAM) {
                return;
            }
            Feedback feedback = feedback()
                    .did(setup() + ", " + why + ", then read from it for up to " + PROMPT.toSeconds() + " s")
                    .expected("exactly " + Probe.quote(AT_CAPACITY) + " followed by end of stream")
                    .got(got.describe())
                    .hint(refusalHint(got));
            if (got.ending() == Probe.Ending.TIMEOUT && got.bytes().length == 0 && wasAdmitted(client)) {
                throw fail(feedback.got(got.describe() + "; then it sent a line, and the line came back")
                        .hint("the server admitted this client: the limit is not enforced, so there was nothing to refuse"),
                        Part.TASK_2, Part.TASK_5);
            }
            throw fail(feedback);
        }
    }

    /** One more client is turned away in any words: its connection ends promptly and its line never comes back. */
    void expectEnded(String why) throws IOException, InterruptedException {
        try (Probe client = Probe.connect(server.port())) {
            expectEndedOn(client, why);
        }
    }

    /** As {@link #expectEnded}, on a client the caller connected and keeps. */
    void expectEndedOn(Probe client, String why) throws IOException, InterruptedException {
        Probe.Received got = client.readToEnd(PROMPT);
        if (got.ending() != Probe.Ending.TIMEOUT) {
            return;
        }
        Feedback feedback = feedback()
                .did(setup() + ", " + why + ", then read from it for up to " + PROMPT.toSeconds() + " s")
                .expected("the server to turn that client away: its connection ended at once")
                .got(got.describe());
        if (wasAdmitted(client)) {
            throw fail(feedback.got(got.describe() + "; then it sent a line, and the line came back")
                    .hint("the server admitted this client: the limit is not enforced"), Part.TASK_2, Part.TASK_5);
        }
        throw fail(feedback.got(got.describe() + "; a line it sent then did not come back either")
                .hint("the client is left waiting: keep calling accept() at the limit, then write the line and close"), Part.TASK_3);
    }

    /** One more client is not served: a line it sends never comes back. */
    void expectNotAdmitted(String why, Part... alsoRelied) throws IOException {
        try (Probe client = Probe.connect(server.port())) {
            Probe.Received back = client.echo("knock knock", NOT_ECHOED_WAIT);
            if (back.text().contains("knock knock")) {
                throw fail(feedback()
                        .did(setup() + ", " + why + ", and had it send a line")
                        .expected("that client not to be served, since " + connected() + " clients are connected")
                        .got("its line came back: the server admitted " + (connected() + 1) + " clients at once")
                        .hint(countHint(server).orElse("compare the count with the limit before admitting; at the limit (count >= max) refuse")),
                        alsoRelied);
            }
        }
    }

    /** Waits until a new client is admitted after a departure, retrying refusals briefly; fails if none is. */
    Probe admitAfterDeparture(String departure) throws IOException, InterruptedException {
        return admitAfterDeparture(departure, null,
                "when a client leaves — clean close, end of stream, reset or I/O error — its slot must be given back, exactly once");
    }

    /** As above, with the words for what it means here when no client gets in. */
    Probe admitAfterDeparture(String departure, String meaning, String hint) throws IOException, InterruptedException {
        departures++;
        awaitDepartures(server, departures);
        long deadline = System.nanoTime() + ROOM_WAIT.toNanos();
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
        throw fail(feedback()
                .did(setup() + ", " + departure + ", then tried new clients for " + ROOM_WAIT.toSeconds() + " s")
                .expected("a new client to take the freed slot")
                .got("every new client was turned away; the last one " + (last == null ? "got nothing" : last.describe())
                        + (meaning == null ? "" : ": " + meaning))
                .hint(hint), Part.TASK_5);
    }

    /**
     * Waits until the server has noticed {@code count} departures: its "closed connection" lines, the
     * contract's event. A client tried before that would race the server's own close, and on a
     * server that counts refusals the refusal would eat the freed slot. A server that logs no such
     * line costs the bounded wait, then is tried all the same.
     */
    static void awaitDepartures(RunningServer server, int count) throws InterruptedException {
        server.log().await(line -> line.contains("closed connection"), count, Duration.ofSeconds(2));
    }

    int connected() {
        return admitted.size();
    }

    /** After a read that timed out: does a line sent now come back? Tells an admission from a wait in the backlog. */
    private static boolean wasAdmitted(Probe client) {
        return client.isEchoed("are you there?", Duration.ofSeconds(1));
    }

    private static final java.util.regex.Pattern CLOSED = java.util.regex.Pattern.compile("closed connection from (\\S+) \\((-?\\d+)/(\\d+)\\)");

    /**
     * What the server's own "closed connection" lines say went wrong with its count, when they show
     * it: a count below zero, or one peer closed twice, means one departure was counted down twice.
     */
    static java.util.Optional<String> countHint(RunningServer server) {
        java.util.Set<String> peers = new java.util.HashSet<>();
        for (String line : server.log().matching(l -> l.contains("closed connection from"))) {
            java.util.regex.Matcher m = CLOSED.matcher(line);
            if (!m.find()) {
                continue;
            }
            if (Integer.parseInt(m.group(2)) < 0) {
                return java.util.Optional.of("the log shows a count below zero (" + m.group(2) + "/" + m.group(3) + "): the count went"
                        + " down more often than clients left. Count down exactly once per departure, in the one place every way of"
                        + " leaving goes through (Connection.close runs its body once)");
            }
            if (!peers.add(m.group(1))) {
                return java.util.Optional.of("the log shows " + m.group(1) + " closed twice: one departure was counted down twice."
                        + " Count down only in Connection.close, which runs its body once, not also where the error is caught");
            }
        }
        return java.util.Optional.empty();
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
            return "nothing arrived, and a line it sent did not come back: the client is waiting in the kernel's backlog."
                    + " Keep calling accept() at the limit, then write the line and close";
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
