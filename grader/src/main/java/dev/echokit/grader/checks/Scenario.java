package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.lesson.NeedsTask;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.LogLine;
import dev.echokit.grader.process.Patience;
import dev.echokit.grader.process.Probe;
import dev.echokit.grader.process.RunningServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

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

    // The deadlines above are an idle machine's; every wait uses them stretched with the load (Patience).
    static Duration echoWait() {
        return Patience.of(ECHO_WAIT);
    }

    static Duration prompt() {
        return Patience.of(PROMPT);
    }

    static Duration notEchoedWait() {
        return Patience.of(NOT_ECHOED_WAIT);
    }

    static Duration roomWait() {
        return Patience.of(ROOM_WAIT);
    }

    final Grading grading;
    final RunningServer server;
    final Part part;
    /** The value given with --max-clients. */
    final int max;
    /**
     * How many clients this scenario fills: {@code max}, or, for a check of a later task on a
     * server whose own limit differs (task 2's mistake, charged there), the limit it enforces.
     */
    final int limit;
    final List<Probe> admitted = new ArrayList<>();
    /**
     * Clients told "server at capacity" whose connection the server then kept and served, held open
     * until the check ends: their leaving would be a served client's leaving, which a check of the
     * limit or of the refusal line is not about (task 3's checks see the connection left open).
     */
    private final List<Probe> refusedButServed = new ArrayList<>();
    /** Clients let in past the limit into a slot a refusal freed, kept as admitted (see {@link #absorbs}). */
    private int absorbed;
    /** Clients this scenario saw turned away: a client let in can fill a slot only a refusal before it gave back. */
    private int refusalsSeen;
    /** The local ports of the clients admitted and not yet counted as departed: who left is told from this. */
    private final Set<Integer> seenPorts = new java.util.HashSet<>();
    private final EnumSet<Behaviour> needs;
    private int departures; // clients that left, to wait for as many "closed connection" lines

    private Scenario(Grading grading, RunningServer server, Part part, int max, int limit, EnumSet<Behaviour> needs) {
        this.grading = grading;
        this.server = server;
        this.part = part;
        this.max = max;
        this.limit = limit;
        this.needs = needs;
    }

    /** Starts the server with {@code --max-clients max} for a check of {@code part} that relies on {@code needs}. */
    static Scenario start(Grading grading, Part part, int max, Behaviour... needs) throws IOException, InterruptedException {
        return start(grading, part, max, max, needs);
    }

    private static Scenario start(Grading grading, Part part, int max, int limit, Behaviour... needs) throws IOException, InterruptedException {
        EnumSet<Behaviour> relied = EnumSet.of(Behaviour.ECHOES, Behaviour.TAKES_THE_OPTION);
        relied.addAll(List.of(needs));
        part.provided().ifPresent(relied::remove);
        return new Scenario(grading, grading.serve(part, "--max-clients", Integer.toString(max)), part, max, limit, relied);
    }

    /** What a check does with its scenario. */
    interface Body {
        void run(Scenario scenario) throws Exception;
    }

    /**
     * Runs a check of {@code part} on a server started with {@code --max-clients max}. A check of a
     * task past task 2 on a server whose own limit differs from {@code max} (one too many, a number
     * of its own) runs again on a new server, filled to that limit: the wrong limit is task 2's
     * failure alone, and this task is judged on its own work. That is asked when the check failed,
     * or passed with the server's log admitting more than {@code max}.
     */
    static void judge(Grading grading, Part part, int max, Behaviour[] needs, Body body) throws Exception {
        OptionalInt own = atTheGivenLimit(grading, part, max, needs, body);
        if (own.isPresent()) {
            try (Scenario scenario = start(grading, part, max, own.getAsInt(), needs)) {
                body.run(scenario);
                scenario.saveProof();
            }
        }
    }

    static void judge(Grading grading, Part part, int max, Body body) throws Exception {
        judge(grading, part, max, new Behaviour[0], body);
    }

    /** The check at {@code max}: empty once it is judged there, else the server's own limit, to judge it at instead. */
    private static OptionalInt atTheGivenLimit(Grading grading, Part part, int max, Behaviour[] needs, Body body) throws Exception {
        try (Scenario scenario = start(grading, part, max, needs)) {
            try {
                body.run(scenario);
            } catch (Feedback.Failure | NeedsTask verdict) {
                boolean limitMissing = verdict instanceof NeedsTask n && n.needed().equals(grading.lesson().provider(Behaviour.TURNS_AWAY));
                OptionalInt own = limitMissing ? OptionalInt.empty() : scenario.ownLimit();
                if (own.isEmpty()) {
                    throw verdict;
                }
                return own;
            }
            OptionalInt own = scenario.loggedPastTheLimit() ? scenario.ownLimit() : OptionalInt.empty();
            if (own.isEmpty()) {
                scenario.saveProof();
            }
            return own;
        }
    }

    /**
     * For a check of a task past task 2, not yet at the server's own limit: that limit, found on a
     * fresh server (once per value per grading), when it differs from the one given.
     */
    private OptionalInt ownLimit() throws InterruptedException {
        boolean later = part.reliesOn(Behaviour.TURNS_AWAY); // a part judged past the limit, not the limit itself
        if (!later || limit != max) {
            return OptionalInt.empty();
        }
        Preconditions.Limit own = grading.preconditions().enforcedLimit(max);
        return own.differs() && own.admitted() > 0 ? OptionalInt.of(own.admitted()) : OptionalInt.empty();
    }

    /**
     * Whether an "accepted connection" line counts more clients than {@code max}: the server let in
     * more than it was given, and a spare slot may have hidden this task's mistake (a departure never
     * counted down fills it). A server that compares correctly never logs such a line, so asking
     * costs it nothing.
     */
    private boolean loggedPastTheLimit() throws InterruptedException {
        if (limit != max || !part.reliesOn(Behaviour.TURNS_AWAY)) {
            return false; // judged at the server's own limit already, or the limit's own check
        }
        // A line reaches the grader through the server's output, often after the client's echo: wait, briefly, until
        // the log has an accepted line for every client admitted (once it raced, and a spare slot went unseen).
        // A server that logs no accepted line at all will not log one now.
        if (!server.log().matching(line -> line.contains("accepted connection")).isEmpty()) {
            server.log().await(line -> line.contains("accepted connection"), seenPorts.size(), Patience.of(Duration.ofMillis(300)));
        }
        return server.log().matching(line -> line.contains("accepted connection")).stream()
                .map(line -> Task2Checks.COUNT.matcher(line.text()))
                .anyMatch(count -> count.find() && Integer.parseInt(count.group(1)) > max);
    }

    private boolean keepsItsLog;

    /** Asks for this scenario's server log to become the proof candidate, once the check has passed where it is judged. */
    void keepLogAsProof() {
        keepsItsLog = true;
    }

    private void saveProof() throws IOException, InterruptedException {
        if (keepsItsLog) {
            // The whole lesson in one log: admitted up to the limit, one leaves, one more in, one refused.
            server.log().await(line -> line.contains("rejected connection"), 1, Patience.of(Duration.ofSeconds(1)));
            server.log().save(Proof.candidate(grading.workDir()));
        }
    }

    String setup() {
        if (limit != max) {
            return "started the server with --max-clients " + max + " (" + grading.preconditions().knownLimit(max)
                    + ": task 2 is charged for that; this check was judged at that limit, the refusal at client " + (limit + 1) + ")";
        }
        return "started the server with --max-clients " + max;
    }

    Feedback feedback() {
        return grading.feedback(part, server);
    }

    /** This part's failure, unless something it relies on (in lesson order) is missing. */
    Feedback.Failure fail(Feedback feedback, Behaviour... alsoRelied) {
        EnumSet<Behaviour> relied = EnumSet.copyOf(needs);
        relied.addAll(List.of(alsoRelied));
        return grading.blame(part, feedback, relied);
    }

    /** Connects a client that must be admitted: its line must come back. */
    Probe admit(String why) throws IOException, InterruptedException {
        Probe client = Probe.connect(server.port()).watchedBy(server);
        Probe.Received back = client.echo("hello from client " + (admitted.size() + 1), echoWait());
        if (!back.text().startsWith("hello from client")) {
            client.close();
            throw fail(feedback()
                    .did(setup() + ", " + why)
                    .expected("that client to be admitted (" + admitted.size() + " of " + limit + " slots taken): its line echoed within "
                            + echoWait().toSeconds() + " s")
                    .got(back.describe())
                    .hint(back.text().startsWith("server at capacity")
                            ? "the server refused a client while it had a free slot: is the count too high, or the comparison off by one?"
                            : back.ending() == Probe.Ending.REFUSED && !admitted.isEmpty()
                            ? "nothing was listening with " + clients(admitted.size()) + " of " + limit + " in: did the server close its"
                                    + " listening socket before it was full? It keeps listening the whole time"
                            : hintFor(back)), Behaviour.TURNS_AWAY);
        }
        admitted.add(client);
        seenPorts.add(client.localPort());
        return client;
    }

    /** Fills every slot. */
    void fill() throws IOException, InterruptedException {
        for (int i = admitted.size(); i < limit; i++) {
            admit("then connected client " + (i + 1) + " of " + limit);
        }
        server.noteAdmitted(admitted.stream().map(Probe::localPort).toList()); // one read of the kernel's table for them all
    }

    /** Task 3's contract, exactly: one more client reads {@code server at capacity\n}, then a clean end of stream, promptly. */
    void expectRefused(String why) throws IOException, InterruptedException {
        expectRefused(why, false);
    }

    /**
     * As {@link #expectRefused}, and the end must not be followed by a reset: a server that closes
     * with SO_LINGER 0 resets the connection right behind its line and FIN, and a client slower to
     * read than the grader loses the line. Costs a short wait, so one refusal per check is enough.
     */
    void expectRefusedCleanly(String why) throws IOException, InterruptedException {
        expectRefused(why, true);
    }

    private void expectRefused(String why, boolean thenWrite) throws IOException, InterruptedException {
        expectRefused(why, thenWrite, true);
    }

    private void expectRefused(String why, boolean thenWrite, boolean mayAbsorb) throws IOException, InterruptedException {
        Probe client = Probe.connect(server.port()).watchedBy(server);
        try {
            Probe.Received got = client.readToEnd(prompt());
            if (Refusal.of(got) == Refusal.CLEAN) {
                refusalsSeen++;
                long wrote = thenWrite ? client.writeAfterEnd(Patience.of(Duration.ofMillis(100))) : 0;
                if (wrote >= 0) {
                    return;
                }
                throw fail(feedback()
                        .did(setup() + ", " + why + ", read from it, then wrote one byte " + -wrote + " ms after the end of stream")
                        .expected("exactly " + Probe.quote(AT_CAPACITY) + " followed by a clean end of stream: a connection the server"
                                + " closed normally still takes that byte")
                        .got(got.describe() + "; then the byte could not be written: the server had reset the connection")
                        .hint(Refusal.RESET.hint()));
            }
            Feedback feedback = feedback()
                    .did(setup() + ", " + why + ", then read from it")
                    .expected("exactly " + Probe.quote(AT_CAPACITY) + " followed by end of stream")
                    .got(got.describe())
                    .hint(got.ending() == Probe.Ending.TIMEOUT && got.text().startsWith(AT_CAPACITY)
                            ? LogEvidence.refusedThenAdmittedHint(server.log().lines(), max).orElse(Refusal.of(got).hint())
                            : Refusal.of(got).hint());
            if (got.ending() == Probe.Ending.TIMEOUT && got.bytes().length == 0 && wasAdmitted(client)) {
                if (mayAbsorb && absorbs(client)) {
                    client = null; // admitted now, closed with the others
                    expectRefused(why, thenWrite, false);
                    return;
                }
                throw fail(feedback.got(got.describe() + "; then the grader sent a line on it, and the line came back")
                        .hint("the server admitted this client: the limit is not enforced, so there was nothing to refuse"),
                        Behaviour.TURNS_AWAY, Behaviour.FREES_SLOTS);
            }
            throw fail(feedback);
        } finally {
            if (client != null && !admitted.contains(client)) {
                client.close();
            }
        }
    }

    /** One more client is turned away in any words: its connection ends promptly and its line never comes back. */
    void expectEnded(String why) throws IOException, InterruptedException {
        for (int tries = 0; tries < 2; tries++) {
            Probe client = Probe.connect(server.port()).watchedBy(server);
            try {
                expectEndedOn(client, why);
                if (!admitted.contains(client)) {
                    return;
                }
            } finally {
                if (!admitted.contains(client)) {
                    client.close();
                }
            }
        }
    }

    /** As {@link #expectEnded}, on a client the caller connected and keeps. */
    void expectEndedOn(Probe client, String why) throws IOException, InterruptedException {
        Optional<Probe.Received> waiting = leftWaiting(client, why);
        if (waiting.isEmpty()) {
            return;
        }
        boolean served = waiting.get().text().startsWith(AT_CAPACITY) && wasAdmitted(client);
        throw fail(feedback()
                .did(setup() + ", " + why + ", then read from it")
                .expected("the server to turn that client away: its connection ended at once")
                .got(waiting.get().describe() + (served ? "; then the grader sent a line on it, and the line came back: the server kept serving it"
                        : "; a line the grader then sent on it did not come back either"))
                .hint(served ? servedHint() : Refusal.of(waiting.get()).hint()), Behaviour.ENDS_REFUSALS);
    }

    /** Why a refused client was served: admitted as well, when the log shows it, else registered on its own. */
    private String servedHint() {
        return LogEvidence.refusedThenAdmittedHint(server.log().lines(), max).orElse(REFUSED_BUT_SERVED);
    }

    /** The hint for a client told "server at capacity" and then served like an admitted one. */
    static final String REFUSED_BUT_SERVED = "the refused channel was kept and served after the line (registered with the selector?):"
            + " close it instead, and never register it";

    /**
     * A client past the limit, connected by the caller: empty when the server ended its connection
     * promptly, else what the client saw while it was left waiting unserved. Admitted, it fails
     * the check.
     */
    Optional<Probe.Received> leftWaiting(Probe client, String why) throws IOException, InterruptedException {
        if (admitted.contains(client)) {
            return Optional.empty(); // taken into a slot a refusal gave back (see absorbs)
        }
        Probe.Received got = client.readToEnd(prompt());
        if (got.ending() != Probe.Ending.TIMEOUT) {
            refusalsSeen++;
            return Optional.empty();
        }
        // Told "server at capacity", the client was refused, though left open: a refusal that did not end (task 3's).
        if (!got.text().startsWith(AT_CAPACITY) && wasAdmitted(client)) {
            if (absorbs(client)) {
                return Optional.empty();
            }
            throw fail(feedback()
                    .did(setup() + ", " + why + ", then read from it")
                    .expected("the server to turn that client away: its connection ended at once")
                    .got(got.describe() + "; then the grader sent a line on it, and the line came back")
                    .hint("the server admitted this client: the limit is not enforced"), Behaviour.TURNS_AWAY, Behaviour.FREES_SLOTS);
        }
        return Optional.of(got);
    }

    /**
     * As {@link #leftWaiting}, for clients past the limit connected together, over one wait: true when
     * the server ended every one of them. Each client it ended is closed at once, as a client that
     * was turned away leaves, so a server that waits for the refused client to go is not held up.
     */
    boolean endOrWait(List<Probe> clients, String why) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + prompt().toNanos();
        List<Probe> waiting = new ArrayList<>();
        List<Probe> told = new ArrayList<>();
        Probe.Received last = null;
        for (Probe client : clients) {
            Probe.Received got = client.readToEnd(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 50_000_000L)));
            if (got.ending() == Probe.Ending.TIMEOUT) {
                waiting.add(client);
                last = got;
                if (got.text().startsWith(AT_CAPACITY)) {
                    told.add(client); // refused in words, though left open: not an admission, whatever it does next
                    refusalsSeen++;
                }
            } else {
                refusalsSeen++;
                client.close(); // as a real client leaves once turned away; a refusal that waits for that goes on
            }
        }
        for (Probe client : new ArrayList<>(waiting)) {
            try {
                client.send("are you there?\n");
            } catch (IOException e) {
                waiting.remove(client); // the server has ended it after all
            }
        }
        long echoDeadline = System.nanoTime() + Patience.of(Duration.ofSeconds(1)).toNanos();
        for (Probe client : waiting) {
            Probe.Received back = client.read("are you there?\n".length(),
                    Duration.ofNanos(Math.max(echoDeadline - System.nanoTime(), 50_000_000L)));
            if (back.text().contains("are you there?") && !told.contains(client) && !absorbs(client)) {
                    throw fail(feedback()
                        .did(setup() + ", " + why + ", then read from them")
                        .expected("the server to turn each of them away: its connection ended at once")
                        .got(last.describe() + "; then the grader sent a line on one of them, and the line came back")
                        .hint("the server admitted this client: the limit is not enforced"), Behaviour.TURNS_AWAY, Behaviour.FREES_SLOTS);
            }
        }
        return admitted.containsAll(waiting); // every one ended, or was taken into a slot a refusal gave back
    }

    /** One more client is not served: a line it sends never comes back. */
    void expectNotAdmitted(String why, Behaviour... alsoRelied) throws IOException, InterruptedException {
        expectNotAdmitted(why, true, alsoRelied);
    }

    private void expectNotAdmitted(String why, boolean mayAbsorb, Behaviour... alsoRelied) throws IOException, InterruptedException {
        Probe client = Probe.connect(server.port()).watchedBy(server);
        try {
            Probe.Received back = client.echo("knock knock", notEchoedWait());
            // Told "server at capacity" first, the client was turned away where it should be: a server that goes on
            // serving it has left the refused connection open and registered, task 3's mistake (its checks see it).
            if (servedAfterRefusal(back, "knock knock")) {
                refusedButServed.add(client);
                refusalsSeen++;
                client = null;
                return;
            }
            if (back.text().contains("knock knock") && mayAbsorb && absorbs(client)) {
                client = null; // admitted now, closed with the others
                expectNotAdmitted(why, false, alsoRelied);
                return;
            }
            if (back.text().contains("knock knock")) {
                    Feedback feedback = feedback()
                        .did(setup() + ", " + why + ", and had it send a line")
                        .expected("that client not to be served, since " + clients(connected()) + (connected() == 1 ? " is" : " are") + " connected")
                        .got("its line came back: the server was serving " + (connected() + 1) + " clients together")
                        .hint(LogEvidence.countHint(server.log().lines()).orElse("compare the count with the limit before admitting, and at the limit"
                                + " (count >= max) refuse instead: with no comparison, or with one that does not stop the admit (a missing"
                                + " return or else after refusing), every client gets in"));
                if (part.equals(grading.lesson().provider(Behaviour.TURNS_AWAY)) && LogEvidence.countHint(server.log().lines()).isEmpty()) {
                    limitHint(feedback);
                }
                throw fail(feedback, alsoRelied);
            }
            refusalsSeen++; // not served: turned away
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    /**
     * Whether a client meant to be turned away, and let in instead, fills a slot a refusal gave back:
     * on a server whose refusals free slots (a mistake of the part that frees slots, charged there by its own check), a
     * check of another part takes that client as admitted and goes on with one more, so that part is
     * judged on its own work. Only as many as the refusals this scenario saw before (a client let in
     * with no refusal before it is a limit not enforced, task 2's); each expectation takes at most
     * one, a scenario at most {@link #MOST_ABSORBED}.
     */
    private boolean absorbs(Probe client) throws IOException, InterruptedException {
        if (admitted.contains(client)) {
            return true;
        }
        if (!part.reliesOn(Behaviour.FREES_SLOTS) || absorbed >= MOST_ABSORBED || absorbed >= refusalsSeen
                || !grading.preconditions().refusalFreesASlot()) {
            return false;
        }
        absorbed++;
        admitted.add(client);
        seenPorts.add(client.localPort());
        server.noteAdmitted(List.of(client.localPort()));
        return true;
    }

    private static final int MOST_ABSORBED = 32;

    /** How many clients this scenario took into slots its refusals gave back. */
    int absorbed() {
        return absorbed;
    }

    /** Whether a client read the refusal line and then had its own line echoed all the same. */
    static boolean servedAfterRefusal(Probe.Received back, String line) {
        return back.text().startsWith(AT_CAPACITY) && back.text().substring(AT_CAPACITY.length()).contains(line);
    }

    /** Waits until a new client is admitted after a departure, retrying refusals briefly; fails if none is. */
    Probe admitAfterDeparture(String departure) throws IOException, InterruptedException {
        return admitAfterDeparture(departure, null,
                "when a client leaves — clean close, end of stream, reset or I/O error — its slot must be given back, exactly once");
    }

    /** As above, with the words for what it means here when no client gets in. */
    Probe admitAfterDeparture(String departure, String meaning, String hint) throws IOException, InterruptedException {
        return admitAfterDeparture(departure, meaning, () -> hint);
    }

    /**
     * As above, with the hint worked out only when no client gets in: by then the server's log holds
     * every line about what came before (its lines may reach the grader after the clients' bytes).
     */
    Probe admitAfterDeparture(String departure, String meaning, java.util.function.Supplier<String> hint)
            throws IOException, InterruptedException {
        departures++;
        Set<Integer> departed = new java.util.HashSet<>(seenPorts);
        admitted.forEach(client -> departed.remove(client.localPort()));
        awaitDepartures(server, departures, departed);
        RoomTry room = tryForRoom(server, departed, "is there room now?");
        if (room.admitted() != null) {
            admitted.add(room.admitted());
            seenPorts.add(room.admitted().localPort());
            server.noteAdmitted(List.of(room.admitted().localPort()));
            return room.admitted();
        }
        Map<String, Integer> outcomes = room.outcomes();
        Probe.Received last = room.last();
        int tried = room.tried();
        String seen = outcomes.entrySet().stream().map(e -> (outcomes.size() == 1 ? (e.getValue() == 1 ? "it was " : "all were ")
                : e.getValue() + " " + (e.getValue() == 1 ? "was " : "were ")) + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
        throw fail(feedback()
                .did(setup() + ", " + departure + ", then " + (tried == 1 ? "tried a new client"
                        : "tried " + clients(tried) + ", one after another, for " + seconds(room.nanos())))
                .expected("a new client to take the freed slot")
                .got((tried == 1 ? "it did not get in: " : "none got in: " + seen + "; the last one: ")
                        + (last == null ? "got nothing" : last.describe()) + (meaning == null || !server.isAlive() ? "" : ": " + meaning))
                .hint(hint.get()), Behaviour.FREES_SLOTS);
    }

    /** How long a freed slot is still waited for once the evidence says it is not coming (stretched with the load). */
    static final Duration GRACE = Duration.ofMillis(300);

    /** What trying new clients for a freed slot came to: the client admitted (null if none), and what became of the others. */
    record RoomTry(Probe admitted, int tried, Map<String, Integer> outcomes, Probe.Received last, long nanos) {
    }

    /**
     * Tries new clients, one after another, until one is admitted, for {@link #roomWait()} at most, or
     * until the server's process has ended.
     * Once the evidence says the slot is not coming, the rest of the wait is cut to a {@link #GRACE}:
     * the server has logged the departure of every client in {@code departed} (a closed line naming
     * its port) or, where Linux shows it, closed its side of each of their connections, and a client
     * tried after that was still turned away, or had no answer for a whole
     * echo wait (a correct server answers an admitted client in milliseconds). A correct server frees the
     * slot before or right after that line or close, so the grace is for a server whose threads lag; one
     * that names no peer, where /proc cannot tell, gets the whole wait.
     */
    static RoomTry tryForRoom(RunningServer server, Set<Integer> departed, String line) throws IOException, InterruptedException {
        long began = System.nanoTime();
        long deadline = began + roomWait().toNanos();
        Map<String, Integer> outcomes = new java.util.LinkedHashMap<>(); // what became of the clients tried, in words
        Probe.Received last = null;
        int tried = 0;
        boolean graced = false;
        while (System.nanoTime() < deadline) {
            tried++;
            Probe client = Probe.connect(server.port()).watchedBy(server);
            Probe.Received back = client.echo(line, echoWait());
            if (back.text().equals(line + "\n")) {
                return new RoomTry(client, tried, outcomes, back, System.nanoTime() - began);
            }
            client.close();
            last = back;
            outcomes.merge(back.ending() == Probe.Ending.TIMEOUT ? "left waiting with no answer"
                    : back.ending() == Probe.Ending.REFUSED ? "refused at connect (nothing listening)" : "turned away", 1, Integer::sum);
            // Turned away, or left without an answer for a whole echo wait, after the server logged the departure.
            if (!graced && !departed.isEmpty() && (departuresLogged(server, departed) || server.closedItsSide(departed))) {
                graced = true;
                deadline = Math.min(deadline, System.nanoTime() + Patience.of(GRACE).toNanos());
            }
            if (!server.isAlive()) {
                break; // a server whose process has ended frees nothing: how it ended is in the failure
            }
            Thread.sleep(50); // back-off between tries; the loop is bounded by the deadline
        }
        return new RoomTry(null, tried, outcomes, last, System.nanoTime() - began);
    }

    /** Whether the server has logged the departure of each client on {@code ports}: a "closed connection" line naming it. */
    static boolean departuresLogged(RunningServer server, Set<Integer> ports) {
        List<String> closed = server.log().matching(l -> l.contains("closed connection")).stream().map(LogLine::text).toList();
        return ports.stream().allMatch(port -> closed.stream().anyMatch(l -> l.matches(".*:" + port + "\\b.*")));
    }

    /**
     * Waits until the server has noticed {@code count} departures: its "closed connection" lines, the
     * contract's event. A client tried before that would race the server's own close, and on a
     * server that counts refusals the refusal would eat the freed slot. A server that logs no such
     * line costs the bounded wait, then is tried all the same.
     */
    static void awaitDepartures(RunningServer server, int count) throws InterruptedException {
        awaitDepartures(server, count, Set.of());
    }

    /**
     * As above; where Linux shows that the server has closed its side of each connection in
     * {@code departed}, its lines about them are written by now, or never: then only a
     * {@link #GRACE} more for them to come through the pipe.
     */
    static void awaitDepartures(RunningServer server, int count, Set<Integer> departed) throws InterruptedException {
        java.util.function.Predicate<String> closed = line -> line.contains("closed connection");
        long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(2)).toNanos();
        while (System.nanoTime() < deadline) {
            if (server.log().await(closed, count, Duration.ofMillis(50)) || !server.isAlive()) {
                return;
            }
            if (server.closedItsSide(departed)) {
                deadline = Math.min(deadline, System.nanoTime() + Patience.of(GRACE).toNanos());
                server.log().await(closed, count, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                return;
            }
        }
    }

    /** A measured span in words: "850 ms", "3.1 s". */
    static String seconds(long nanos) {
        long millis = nanos / 1_000_000;
        return millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    int connected() {
        return admitted.size();
    }

    /** "1 client", "3 clients". */
    static String clients(int n) {
        return n + (n == 1 ? " client" : " clients");
    }

    /** After a read that timed out: does a line sent now come back? Tells an admission from a wait in the backlog. */
    private static boolean wasAdmitted(Probe client) {
        return client.isEchoed("are you there?", Patience.of(Duration.ofSeconds(1)));
    }



    /**
     * Task 2's failure, in the words of the limit the server really enforces (found on a fresh
     * server): one too many, a number of its own, or none at all. The later tasks are judged at
     * that limit, and the feedback says so.
     */
    private void limitHint(Feedback feedback) throws InterruptedException {
        Preconditions.Limit own = grading.preconditions().enforcedLimit(max);
        if (own.problem() != null || !own.refuses()) {
            return; // never refuses: the general hint stands, and the later tasks wait for this one
        }
        List<String> others = grading.lesson().tasks().stream()
                .filter(p -> p.position() > grading.part().position() && p.reliesOn(Behaviour.TURNS_AWAY)).map(Part::shortName).toList();
        String judged = "; " + String.join(", ", others).replaceFirst(", ([^,]*)$", " and $1") + " are judged at the limit it enforces,"
                + " so this mistake costs " + grading.part().shortName() + " alone";
        if (own.admitted() == max + 1) {
            feedback.got("its line came back: " + own.describe() + ", one more than the limit" + judged)
                    .hint("one client too many: refuse when the count has reached the limit (clients >= maxClients), not only past it (>)", Feedback.Terms.LESSON_JAVA);
        } else if (own.admitted() > max) {
            feedback.got("its line came back: " + own.describe() + " and turns away only client " + (own.admitted() + 1) + judged)
                    .hint("the server keeps a limit of its own: compare the count with the limit it was given (maxClients),"
                            + " not with a number written in the code", Feedback.Terms.LESSON_JAVA);
        }
    }




    static String hintFor(Probe.Received got) {
        return switch (got.ending()) {
            case TIMEOUT -> "no answer: was the connection never accepted, or is the selector loop blocked?";
            case REFUSED -> "nothing was listening on the server's port: did it close its listening socket (while full, say), or did its"
                    + " process end? A server keeps listening the whole time, and turns away only the clients past its limit";
            case RESET -> "the server reset the connection: it closed while data was unread, or crashed";
            case END_OF_STREAM -> "the server closed the connection";
            case COMPLETE -> "";
        };
    }


    @Override
    public void close() throws IOException {
        for (Probe client : admitted) {
            client.close();
        }
        for (Probe client : refusedButServed) {
            client.close();
        }
        server.close();
    }
}
