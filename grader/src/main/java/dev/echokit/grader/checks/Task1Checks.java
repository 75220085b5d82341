package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.process.LimitReached;
import dev.echokit.grader.process.LogLine;
import dev.echokit.grader.process.Probe;
import dev.echokit.grader.process.RunningServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Tag("task:1")
@DisplayName("Task 1 — the --max-clients option")
@ExtendWith(GraderExtension.class)
@Execution(ExecutionMode.CONCURRENT) // each check starts its own server on its own port
public class Task1Checks {

    /** Values the option must refuse: below 1, not a number, past the int range. */
    static final List<String> BAD_VALUES = List.of("0", "-1", "abc", "2147483648", "99999999999");

    private static final java.util.regex.Pattern DEFAULT_IN_LISTENING = java.util.regex.Pattern.compile("\\(max clients: (\\d+)\\)");

    /** How many clients the default check tries before it stops counting (a little past 100). */
    private static final int COUNT_UP_TO = 102;

    @Test
    @DisplayName("--max-clients 3 is accepted and the listening line names the limit")
    void acceptsTheOption(Grading grading) throws Exception {
        try (RunningServer server = grading.serve(grading.part(), "--max-clients", "3")) {
            // Ready may mean its socket listens (a command that prints nothing): its line is given a moment to follow.
            server.log().await(line -> line.contains("listening on"), 1, dev.echokit.grader.process.Patience.of(Duration.ofSeconds(1)));
            Optional<LogLine> listening = server.log().find(line -> line.contains("listening on"));
            if (listening.isEmpty()) {
                // The line task 1 completes is its to show: with none at all, the limit is said nowhere.
                throw grading.feedback(grading.part(), server)
                        .did("started the server with --max-clients 3; it listened")
                        .expected("a line such as: listening on 127.0.0.1:9000 (max clients: 3)")
                        .got("no line contains \"listening on\"")
                        .hint("once the server listens, log where and with which limit: listening on HOST:PORT (max clients: N)")
                        .aboutItsLog()
                        .error();
            }
            if (!listening.get().text().endsWith("(max clients: 3)")) {
                throw grading.feedback(grading.part(), server)
                        .did("started the server with --max-clients 3")
                        .expected("the listening line to end with \"(max clients: 3)\", e.g. listening on 127.0.0.1:9000 (max clients: 3)")
                        .got("it logged: " + listening.get().stamped())
                        .hint(listening.get().text().contains("(max clients: 100)")
                                ? "the server runs with the default limit, 100: the value given with --max-clients never reaches it."
                                        + " Hand the option's value from the command class to EchoServer"
                                : listening.get().text().contains("(max clients:")
                                ? "the line shows another number: print the limit the server was given"
                                : "add \" (max clients: \" + maxClients + \")\" to the end of the listening line")
                        .error();
            }
        }
    }

    @Test
    @DisplayName("a bad --max-clients (0, -1, abc, 2147483648, 99999999999) stops the program with one line naming the option")
    void rejectsBadValues(Grading grading) throws Exception {
        // The five runs are independent, so they start together; they are judged in the list's
        // order, so the feedback is always about the first bad value that was not refused.
        List<RunningServer> servers = new ArrayList<>();
        try {
            for (String value : BAD_VALUES) {
                servers.add(RunningServer.start(grading.target(), List.of("--max-clients", value), null));
            }
            for (int i = 0; i < BAD_VALUES.size(); i++) {
                rejects(BAD_VALUES.get(i), servers.get(i), grading);
            }
        } finally {
            for (RunningServer server : servers) {
                server.close();
            }
        }
    }

    private static void rejects(String value, RunningServer server, Grading grading) throws IOException, InterruptedException {
        // Wait for whichever comes first: the exit we want, or the server listening (the bad value taken).
        Optional<Integer> exit = Optional.empty();
        long began = System.nanoTime();
        long deadline = began + RunningServer.startTimeout().toNanos();
        while (exit.isEmpty() && System.nanoTime() < deadline && !server.isReady()) {
            exit = server.awaitExit(Duration.ofMillis(50));
        }
        long watchedMillis = (System.nanoTime() - began) / 1_000_000; // what the sentence says is what was measured
        String did = "started the server with --max-clients " + value;
        List<String> output = server.log().lines().stream().map(LogLine::text).toList();
        var feedback = grading.feedback(grading.part(), server).did(did);
        if (exit.isEmpty()) {
            throw feedback.did(server.isReady() ? did : did + " and waited " + watchedMillis + " ms for it to exit")
                    .expected("a non-zero exit and a message that names --max-clients")
                    .got(server.isReady() ? "it started listening: the bad value " + value + " was accepted" : "it was still running")
                    .hint(value.length() > 9
                            ? "a value past the int range must be refused too: " + (grading.target().isJava()
                                    ? "keep the option an int and let picocli convert it"
                                    : "parse it as a 32-bit integer and turn away anything outside that range")
                            : grading.target().isJava() ? "validate the value where the option is parsed: throw picocli's ParameterException "
                                    + "(\"Invalid value '0' for option '--max-clients': must be at least 1.\")"
                            : "check the value where the option is parsed: below 1, print one line naming --max-clients and exit with code 2")
                    .error();
        }
        if (server.stoppedAtLimit().isPresent()) {
            throw feedback.expected("a non-zero exit and a message that names --max-clients, within the limits every server runs in")
                    .got("exit code " + exit.get()).error(); // the feedback adds the limit and its hint
        }
        if (Preconditions.rejectsTheOption(server)) {
            throw feedback.expected("the server to know --max-clients and reject the value " + value)
                    .got("exit code " + exit.get() + ", because it does not know the option at all")
                    .hint("add the option first; then a value below 1 must be refused with a message that names it")
                    .error();
        }
        boolean named = output.stream().anyMatch(line -> line.contains("--max-clients"));
        if (exit.get() == 0 || !named) {
            throw grading.blame(grading.part(), feedback
                    .expected("a non-zero exit code and a message that names --max-clients")
                    .got("exit code " + exit.get() + (named ? "" : ", and no output line names --max-clients"))
                    .hint("throw picocli's ParameterException with a message naming the option; picocli prints it and exits with 2", Feedback.Terms.LESSON_JAVA),
                    Behaviour.ECHOES);
        }
        if (output.stream().anyMatch(line -> line.contains("\tat ") || line.contains("Exception in thread"))) {
            throw feedback.expected("a one-line message, not a stack trace")
                    .got("it printed a stack trace")
                    .hint("report bad input with ParameterException; picocli prints its message and exits with 2", Feedback.Terms.LESSON_JAVA)
                    .error();
        }
    }

    /**
     * Without the option the server must behave exactly as with {@code --max-clients 100}. It counts
     * how many clients each admits; only when the two differ is the default wrong. When both admit
     * everybody, the limit itself is missing (task 2) and the default cannot be judged.
     */
    @Test
    @DisplayName("without the option the limit is 100: the server admits as many clients as with --max-clients 100")
    void defaultIsOneHundred(Grading grading) throws Exception {
        // The server started without the option stays up until the verdict is written: how it ended, if it did (stopped at
        // a limit of the grader's, say), is read from it then, not guessed once it is gone.
        try (RunningServer server = grading.serve(grading.part())) {
            int byDefault = admittedClients(server);
            LogLine listening = server.log().find(line -> line.contains("listening on")).orElse(new LogLine(0, ""));
            if (byDefault == 100) {
                return;
            }
            var feedback = grading.feedback(grading.part(), server)
                    .did("started the server with no --max-clients and connected clients one by one until one was not served")
                    .expected("100 clients served, and the 101st turned away");
            if (byDefault == 0) {
                throw grading.blame(grading.part(), feedback.got("not even the first client was served"), Behaviour.ECHOES);
            }
            int explicit;
            Optional<LimitReached> explicitStopped;
            try (RunningServer other = grading.serve(grading.part(), "--max-clients", "100")) {
                explicit = admittedClients(other);
                explicitStopped = other.stoppedAtLimit();
            }
            String withOption = explicit + explicitStopped.map(limit -> " (then " + limit.sentence() + ")").orElse("");
            if (explicit == byDefault && byDefault >= COUNT_UP_TO) {
                // Nobody is turned away, with or without the option: enforcing a limit is task 2's work.
                // The default this task gives is still seen in the listening line, and judged there.
                java.util.regex.Matcher said = DEFAULT_IN_LISTENING.matcher(listening.text());
                if (said.find() && said.group(1).equals("100")) {
                    return;
                }
                if (said.find(0)) {
                    throw feedback.got("it served all " + COUNT_UP_TO + " clients, with or without --max-clients 100 (it enforces no limit yet),"
                                    + " and without the option it says: " + listening.text())
                            .hint("the default must be 100: defaultValue = \"100\" on the option, and the server given that value", Feedback.Terms.LESSON_JAVA)
                            .error();
                }
                throw grading.blame(grading.part(), feedback.got("it served all " + COUNT_UP_TO + " clients, with or without --max-clients 100"),
                        Behaviour.ECHOES, Behaviour.TURNS_AWAY);
            }
            if (explicit != byDefault) {
                throw feedback.got((byDefault >= COUNT_UP_TO ? "it served all " + COUNT_UP_TO + " clients it was offered"
                                : "it served " + Scenario.clients(byDefault)) + "; with --max-clients 100 it serves " + withOption)
                        .hint("the default must be 100: defaultValue = \"100\" on the option, and the server given that value", Feedback.Terms.LESSON_JAVA)
                        .error();
            }
        }
    }

    /** Connects clients one at a time, each sending a line, until one is not served; returns how many were. */
    private static int admittedClients(RunningServer server) throws IOException {
        List<Probe> clients = new ArrayList<>();
        try {
            for (int i = 1; i <= COUNT_UP_TO; i++) {
                Probe client = Probe.connect(server.port()).watchedBy(server);
                clients.add(client);
                if (!client.isEchoed("client " + i, i <= 100 ? Scenario.echoWait() : Scenario.notEchoedWait())) {
                    return i - 1;
                }
            }
            return COUNT_UP_TO;
        } finally {
            for (Probe client : clients) {
                client.close();
            }
        }
    }
}
