package dev.echokit.grader.checks;

import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.lesson.NeedsTask;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.Probe;
import dev.echokit.grader.process.RunningServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells whether a part of the lesson works at all, in the weakest form it can be seen, on a fresh
 * server: the echo, the option, the limit, the refusal, the freed slot. A check that saw something
 * wrong asks these first; only when everything it relies on works is the failure its own.
 * Each answer is worked out once per grading run and kept, so every check gets the same one.
 */
final class Preconditions {

    private static final Pattern MAX_IN_LISTENING = Pattern.compile("listening on .*\\(max clients: (\\d+)\\)");

    /** The default limit, and how far past a limit the grader looks for the server's own. */
    static final int DEFAULT_MAX = 100;
    static final int PAST_THE_LIMIT = 5;

    private final Grading grading;
    /** Each behaviour's answer, worked out once: by the first check that asks, while others asking wait for that one. */
    private final Map<Behaviour, java.util.concurrent.CompletableFuture<Optional<String>>> missing =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, Limit> limits = new java.util.HashMap<>();

    /**
     * How many clients a fresh server started with {@code --max-clients given} admits before it
     * turns one away: {@code admitted}, or -1 when it turned none away within the bound (given+5,
     * and the default+5, so a limit of its own such as 100 is found too). {@code problem} when the
     * server could not be asked at all.
     */
    record Limit(int given, int admitted, String problem) {
        boolean refuses() {
            return problem == null && admitted >= 0;
        }

        boolean differs() {
            return refuses() && admitted != given;
        }

        /** "this server admits 4 clients at --max-clients 3", for feedback. */
        String describe() {
            return admitted < 0 ? "this server admitted all " + bound(given) + " clients the grader connected at --max-clients " + given
                    + " (it stops " + PAST_THE_LIMIT + " past the larger of that and the default " + DEFAULT_MAX + ")"
                    : "this server admits " + admitted + " client" + (admitted == 1 ? "" : "s") + " at --max-clients " + given;
        }

        static int bound(int given) {
            return Math.max(given, DEFAULT_MAX) + PAST_THE_LIMIT;
        }
    }

    Preconditions(Grading grading) {
        this.grading = grading;
    }

    /**
     * Ends the check as "needs PART" when the behaviour the lesson says that part provides is
     * missing; a part that provides none holds up nothing.
     */
    void require(Part part) {
        Optional<String> why = part.provided().flatMap(this::check);
        if (why.isPresent()) {
            throw new NeedsTask(part, why.get());
        }
    }

    void recordEchoBroken(String problem) {
        missing.putIfAbsent(Behaviour.ECHOES, java.util.concurrent.CompletableFuture.completedFuture(
                Optional.of("the server does not start: " + problem)));
    }

    /**
     * Whether {@code behaviour} is missing, and why. Different behaviours are worked out side by side
     * (each on servers of its own), the same one once: a check asking for it while another works it
     * out waits for that answer, so every check gets the same one.
     */
    private Optional<String> check(Behaviour behaviour) {
        java.util.concurrent.CompletableFuture<Optional<String>> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Optional<String>> known = missing.putIfAbsent(behaviour, mine);
        if (known != null) {
            long began = System.nanoTime();
            Optional<String> answer = known.join(); // bounded: the diagnosis's every wait is
            dev.echokit.grader.process.Timeline.waited(began, "waited for diagnosis " + behaviour);
            return answer;
        }
        try {
            long began = System.nanoTime();
            Optional<String> why = diagnose(behaviour);
            dev.echokit.grader.process.Timeline.waited(began, "diagnosis " + behaviour + ": " + why.orElse("present"));
            mine.complete(why);
            return why;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private Optional<String> diagnose(Behaviour behaviour) {
        Optional<String> why;
        try {
            why = switch (behaviour) {
                case ECHOES -> echo();
                case TAKES_THE_OPTION -> option();
                case TURNS_AWAY -> limit();
                case ENDS_REFUSALS -> refusal();
                case FREES_SLOTS -> freedSlot();
            };
        } catch (IOException e) {
            why = Optional.of("the grader could not try it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = Optional.of("the grader was interrupted while trying it");
        }
        return why;
    }

    /** Whether the server's output says it does not know --max-clients. */
    static boolean rejectsTheOption(RunningServer server) {
        return server.log().lines().stream().map(line -> line.text().toLowerCase(java.util.Locale.ROOT)).anyMatch(line -> line.contains("--max-clients")
                && (line.contains("unknown") || line.contains("unmatched") || line.contains("unrecogni")));
    }

    private Optional<String> echo() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading)) {
            if (fresh.problem != null) {
                return Optional.of("the server does not start: " + fresh.problem);
            }
            return fresh.admit("are you there?") ? Optional.empty()
                    : Optional.of("the server does not echo a line back (see the echo checks)");
        }
    }

    private Optional<String> option() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "3")) {
            if (fresh.problem != null) {
                return Optional.of(rejectsTheOption(fresh.server)
                        ? "the server does not accept --max-clients yet"
                        : "the server does not start with --max-clients 3: " + fresh.problem);
            }
            Optional<String> listening = fresh.server.log().find(line -> line.contains("listening on")).map(dev.echokit.grader.process.LogLine::text);
            Matcher max = MAX_IN_LISTENING.matcher(listening.orElse(""));
            if (max.find() && !max.group(1).equals("3")) {
                return Optional.of("started with --max-clients 3, the server says (max clients: " + max.group(1)
                        + "): the value does not reach the server");
            }
            return Optional.empty();
        }
    }

    /**
     * Task 2 holds up another task only when there is nothing to judge it by: no client is ever
     * turned away, or none is ever admitted. A limit that is merely wrong (one too many, a number
     * of its own) is task 2's failure; the other tasks are judged at the limit the server enforces.
     */
    private Optional<String> limit() throws IOException, InterruptedException {
        Limit limit = enforcedLimit(2);
        if (limit.problem() != null) {
            return Optional.of("with --max-clients 2 the server does not serve 2 clients: " + limit.problem());
        }
        if (limit.admitted() < 0) {
            return Optional.of(limit.describe() + ": it never turns a client away, so there is no refusal to judge yet");
        }
        if (limit.admitted() == 0) {
            return Optional.of("with --max-clients 2 the server turns away even the first client, so there is no slot to judge yet");
        }
        return Optional.empty();
    }

    /**
     * The limit the server enforces when given {@code --max-clients given}, found on a fresh server
     * by connecting clients one at a time until one is not served; once per value per grading run.
     */
    Limit enforcedLimit(int given) throws InterruptedException {
        synchronized (limits) {
            Limit known = limits.get(given);
            if (known != null) {
                return known;
            }
            Limit found;
            try {
                found = countAdmitted(given);
            } catch (IOException e) {
                found = new Limit(given, -1, "the grader could not try it: " + e.getMessage());
            }
            limits.put(given, found);
            return found;
        }
    }

    /** The words for the limit already found at {@code given}. */
    String knownLimit(int given) {
        synchronized (limits) {
            Limit known = limits.get(given);
            return known == null ? "its own limit differs" : known.describe();
        }
    }

    private Limit countAdmitted(int given) throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", Integer.toString(given))) {
            if (fresh.problem != null) {
                return new Limit(given, -1, fresh.problem);
            }
            for (int i = 1; i <= Limit.bound(given); i++) {
                if (!fresh.admit("client " + i)) {
                    return new Limit(given, i - 1, null);
                }
            }
            return new Limit(given, -1, null);
        }
    }

    /** Admits as many clients as the server's own limit at {@code given}; false when one is not served. */
    private boolean fill(Fresh fresh, int given) throws IOException, InterruptedException {
        int slots = enforcedLimit(given).refuses() ? enforcedLimit(given).admitted() : given;
        for (int i = 1; i <= slots; i++) {
            if (!fresh.admit("client " + i)) {
                return false;
            }
        }
        return true;
    }

    private Optional<String> refusal() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "1")) {
            if (fresh.problem != null || !fill(fresh, 1)) {
                return Optional.empty(); // not this task's to say; the earlier ones are asked first
            }
            try (Probe extra = Probe.connect(fresh.server.port()).watchedBy(fresh.server)) {
                Probe.Received got = extra.readToEnd(Scenario.prompt());
                Probe.Ending ending = got.ending();
                Optional<dev.echokit.grader.process.Ending> died = ending == Probe.Ending.TIMEOUT ? Optional.empty() : fresh.server.endedOnItsOwn();
                if (died.isPresent()) {
                    return Optional.of("when a client past the limit connected, the server's process " + died.get().words()
                            + ": there is no refusal to judge yet");
                }
                if (ending == Probe.Ending.TIMEOUT) {
                    return Optional.of(got.bytes().length == 0
                            ? "a client past the limit is never disconnected: it waits with no answer"
                            : "a client past the limit reads " + Probe.quote(got.text()) + " and is then never disconnected");
                }
                if (ending == Probe.Ending.REFUSED) {
                    return Optional.of("a client past the limit finds nothing listening (the server stops listening while full):"
                            + " it is never accepted, so there is no refusal to judge yet");
                }
            }
        }
        if (departureFreesASlot().isPresent()) {
            return Optional.empty(); // cannot tell whether refusals are counted; the freed slot is asked next
        }
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
            if (fresh.problem != null || !fill(fresh, 2) || fresh.clients.isEmpty()) {
                return Optional.empty();
            }
            try (Probe extra = Probe.connect(fresh.server.port()).watchedBy(fresh.server)) {
                extra.readToEnd(Scenario.prompt());
            }
            Probe leaving = fresh.clients.remove(0);
            leaving.close();
            Scenario.awaitDepartures(fresh.server, 1);
            return fresh.admitAfter(leaving) ? Optional.empty()
                    : Optional.of("after one refusal, a client that leaves no longer frees a slot: refused connections are counted");
        }
    }

    private Optional<String> freedSlot() throws IOException, InterruptedException {
        Optional<String> departure = departureFreesASlot();
        if (departure.isPresent()) {
            return departure;
        }
        return refusalFreesASlot() ? Optional.of("after a refusal the server admits a client past the limit:"
                + " the refused connection freed a slot it never had") : Optional.empty();
    }

    private final Object refusalLock = new Object();
    private Boolean refusalFreesASlot;

    /**
     * Whether a refusal gives a slot: on a fresh server filled to its own limit at 2, one client is
     * turned away and the next one is admitted, with nobody leaving. Worked out once per grading.
     */
    boolean refusalFreesASlot() throws IOException, InterruptedException {
        synchronized (refusalLock) {
            if (refusalFreesASlot == null) {
                try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
                    // Never turned away, the limit itself is task 2's: nothing here frees a slot.
                    refusalFreesASlot = fresh.problem == null && fill(fresh, 2) && !fresh.probe("three") && fresh.probe("four");
                }
            }
            return refusalFreesASlot;
        }
    }

    private Optional<String> departureFreesASlot() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
            if (fresh.problem != null || !fill(fresh, 2) || fresh.clients.isEmpty()) {
                return Optional.empty();
            }
            Probe leaving = fresh.clients.remove(0);
            leaving.close();
            Scenario.awaitDepartures(fresh.server, 1);
            return fresh.admitAfter(leaving) ? Optional.empty()
                    : Optional.of("a client that leaves does not free its slot yet");
        }
    }

    /** A server started for one diagnosis, with the clients it admitted; all closed together. */
    private static final class Fresh implements AutoCloseable {
        final RunningServer server;
        final String problem;
        final List<Probe> clients = new ArrayList<>();
        /** Told "server at capacity" and then served all the same: held open, as a scenario holds them (see there). */
        private final List<Probe> refusedButServed = new ArrayList<>();

        private Fresh(RunningServer server, String problem) {
            this.server = server;
            this.problem = problem;
        }

        static Fresh start(Grading grading, String... args) throws IOException, InterruptedException {
            RunningServer.Started started = RunningServer.startAndAwait(grading.target(), List.of(args), null);
            return new Fresh(started.server(), started.problem().orElse(null));
        }

        /** Connects a client that should get in; true when its line comes back (it is kept open). */
        boolean admit(String line) throws IOException {
            return tryClient(line, Scenario.echoWait());
        }

        /** Connects a client that should not get in; true when its line comes back all the same. */
        boolean probe(String line) throws IOException {
            return tryClient(line, Scenario.notEchoedWait());
        }

        private boolean tryClient(String line, java.time.Duration wait) throws IOException {
            Probe client = Probe.connect(server.port()).watchedBy(server);
            Probe.Received back;
            try {
                back = client.echo(line, wait);
            } catch (IOException e) {
                client.close();
                return false;
            }
            if (back.isEchoOf(line)) {
                clients.add(client);
                return true;
            }
            if (Scenario.servedAfterRefusal(back, line)) {
                refusedButServed.add(client);
            } else {
                client.close();
            }
            return false;
        }

        /** After {@code leaving} left: whether a new client gets its slot (see {@link Scenario#tryForRoom}); it is kept open. */
        boolean admitAfter(Probe leaving) throws IOException, InterruptedException {
            Scenario.RoomTry room = Scenario.tryForRoom(server, java.util.Set.of(leaving.localPort()), "room?");
            if (room.admitted() != null) {
                clients.add(room.admitted());
            }
            return room.admitted() != null;
        }

        @Override
        public void close() {
            List<Probe> all = new ArrayList<>(clients);
            all.addAll(refusedButServed);
            for (Probe client : all) {
                try {
                    client.close();
                } catch (IOException e) {
                    // closing is best effort
                }
            }
            server.close();
        }
    }
}
