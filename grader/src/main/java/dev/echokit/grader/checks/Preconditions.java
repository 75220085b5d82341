package dev.echokit.grader.checks;

import dev.echokit.grader.NeedsTask;
import dev.echokit.grader.Part;
import dev.echokit.grader.Probe;
import dev.echokit.grader.RunningServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
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

    private final Grading grading;
    private final Map<Part, Optional<String>> missing = new EnumMap<>(Part.class);

    Preconditions(Grading grading) {
        this.grading = grading;
    }

    /** Ends the check as "needs PART" when that part's behaviour is missing. */
    void require(Part part) {
        Optional<String> why = check(part);
        if (why.isPresent()) {
            throw new NeedsTask(part, why.get());
        }
    }

    synchronized void recordEchoBroken(String problem) {
        missing.putIfAbsent(Part.ECHO, Optional.of("the server does not start: " + problem));
    }

    private synchronized Optional<String> check(Part part) {
        Optional<String> known = missing.get(part);
        if (known != null) {
            return known;
        }
        Optional<String> why;
        try {
            why = switch (part) {
                case ECHO -> echo();
                case TASK_1 -> option();
                case TASK_2 -> limit();
                case TASK_3 -> refusal();
                case TASK_5 -> freedSlot();
                default -> Optional.empty(); // nothing else holds up another task's checks
            };
        } catch (IOException e) {
            why = Optional.of("the grader could not try it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = Optional.of("the grader was interrupted while trying it");
        }
        missing.put(part, why);
        return why;
    }

    /** Whether the server's output says it does not know --max-clients. */
    static boolean rejectsTheOption(RunningServer server) {
        return server.log().lines().stream().map(String::toLowerCase).anyMatch(line -> line.contains("--max-clients")
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
            Optional<String> listening = fresh.server.log().find(line -> line.contains("listening on"));
            Matcher max = MAX_IN_LISTENING.matcher(listening.orElse(""));
            if (max.find() && !max.group(1).equals("3")) {
                return Optional.of("started with --max-clients 3, the server says (max clients: " + max.group(1)
                        + "): the value does not reach the server");
            }
            return Optional.empty();
        }
    }

    private Optional<String> limit() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
            if (fresh.problem != null || !fresh.admit("one") || !fresh.admit("two")) {
                return Optional.of("with --max-clients 2 the server does not serve 2 clients");
            }
            return fresh.probe("three") ? Optional.of("with --max-clients 2 the server admits a 3rd client: the limit is not enforced yet")
                    : Optional.empty();
        }
    }

    private Optional<String> refusal() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "1")) {
            if (fresh.problem != null || !fresh.admit("one")) {
                return Optional.empty(); // not this task's to say; the earlier ones are asked first
            }
            try (Probe extra = Probe.connect(fresh.server.port())) {
                if (extra.readToEnd(Scenario.PROMPT).ending() == Probe.Ending.TIMEOUT) {
                    return Optional.of("a client past the limit is never disconnected: it waits with no answer");
                }
            }
        }
        if (departureFreesASlot().isPresent()) {
            return Optional.empty(); // cannot tell whether refusals are counted; task 5 is asked next
        }
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
            if (fresh.problem != null || !fresh.admit("one") || !fresh.admit("two")) {
                return Optional.empty();
            }
            try (Probe extra = Probe.connect(fresh.server.port())) {
                extra.readToEnd(Scenario.PROMPT);
            }
            fresh.clients.remove(0).close();
            Scenario.awaitDepartures(fresh.server, 1);
            return fresh.admitWithin(Scenario.ROOM_WAIT) ? Optional.empty()
                    : Optional.of("after one refusal, a client that leaves no longer frees a slot: refused connections are counted");
        }
    }

    private Optional<String> freedSlot() throws IOException, InterruptedException {
        Optional<String> departure = departureFreesASlot();
        if (departure.isPresent()) {
            return departure;
        }
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
            if (fresh.problem != null || !fresh.admit("one") || !fresh.admit("two") || fresh.probe("three")) {
                return Optional.empty(); // the limit itself is task 2's
            }
            return fresh.probe("four") ? Optional.of("after a refusal the server admits a client past the limit:"
                    + " the refused connection freed a slot it never had") : Optional.empty();
        }
    }

    private Optional<String> departureFreesASlot() throws IOException, InterruptedException {
        try (Fresh fresh = Fresh.start(grading, "--max-clients", "2")) {
            if (fresh.problem != null || !fresh.admit("one") || !fresh.admit("two")) {
                return Optional.empty();
            }
            fresh.clients.remove(0).close();
            Scenario.awaitDepartures(fresh.server, 1);
            return fresh.admitWithin(Scenario.ROOM_WAIT) ? Optional.empty()
                    : Optional.of("a client that leaves does not free its slot yet");
        }
    }

    /** A server started for one diagnosis, with the clients it admitted; all closed together. */
    private static final class Fresh implements AutoCloseable {
        final RunningServer server;
        final String problem;
        final List<Probe> clients = new ArrayList<>();

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
            return tryClient(line, Scenario.ECHO_WAIT);
        }

        /** Connects a client that should not get in; true when its line comes back all the same. */
        boolean probe(String line) throws IOException {
            return tryClient(line, Scenario.NOT_ECHOED_WAIT);
        }

        private boolean tryClient(String line, java.time.Duration wait) throws IOException {
            Probe client = Probe.connect(server.port());
            if (client.isEchoed(line, wait)) {
                clients.add(client);
                return true;
            }
            client.close();
            return false;
        }

        boolean admitWithin(java.time.Duration wait) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                if (admit("room?")) {
                    return true;
                }
                Thread.sleep(50); // back-off between tries; the loop is bounded by the deadline
            }
            return false;
        }

        @Override
        public void close() {
            for (Probe client : clients) {
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
