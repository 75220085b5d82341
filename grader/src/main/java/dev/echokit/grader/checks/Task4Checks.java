package dev.echokit.grader.checks;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.process.LogLine;
import dev.echokit.grader.process.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Tag("task:4")
@DisplayName("Task 4 — log every refusal")
@ExtendWith(GraderExtension.class)
@Execution(ExecutionMode.CONCURRENT) // each check starts its own server on its own port
public class Task4Checks {

    private static final Pattern REJECTED = Pattern.compile("rejected connection: at capacity \\((\\d+)/(\\d+)\\)\\s*$");

    /**
     * Judged by the server's log, not by what the refused clients read: a server that decides to
     * refuse and logs it has done this task even when it leaves the client waiting (task 3's
     * mistake, charged there). Only a server that never decides to refuse (it stops accepting, say)
     * leaves nothing to judge, and then this check needs task 3.
     */
    @Test
    @DisplayName("each refusal logs one line \"rejected connection: at capacity (N/MAX)\" with N = MAX")
    void logsEachRefusal(Grading grading) throws Exception {
        Scenario.judge(grading, grading.part(), 2, new Behaviour[] {Behaviour.TURNS_AWAY}, scenario -> {
            scenario.fill();
            int l = scenario.limit;
            int m = scenario.max;
            List<Probe> extras = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    extras.add(Probe.connect(scenario.server.port()).watchedBy(scenario.server));
                }
                // Judged together, so a server that leaves them waiting costs one wait, not three.
                int absorbed = scenario.absorbed();
                boolean allEnded = scenario.endOrWait(extras, "connected " + Scenario.clients(l) + ", then 3 more");
                // Some let into slots that refusals gave back (the freed-slot part's mistake, charged there): as many more, so 3 are turned away.
                for (int round = 0, taken = scenario.absorbed() - absorbed; taken > 0 && round < 3; round++) {
                    List<Probe> more = new ArrayList<>();
                    for (int i = 0; i < taken; i++) {
                        more.add(Probe.connect(scenario.server.port()).watchedBy(scenario.server));
                    }
                    extras.addAll(more);
                    absorbed = scenario.absorbed();
                    allEnded &= scenario.endOrWait(more, "connected " + Scenario.clients(l) + ", then 3 more");
                    taken = scenario.absorbed() - absorbed;
                }
                var log = scenario.server.log();
                // A server logs a refusal as it turns the client away, before or just after it closes the connection, on
                // whichever thread refuses. One admitted round trip first: a loop that served it has written anything it
                // had to say about the refusals. Then a short wait for the lines to come through the pipe, or for a
                // refusing thread's line to follow its close. Clients left waiting were given a whole prompt wait already,
                // in which a server that decided to refuse them would have logged it.
                scenario.admitted.get(0).echo("sync", Scenario.echoWait());
                log.await(line -> line.contains("rejected connection"), 3, dev.echokit.grader.process.Patience.of(java.time.Duration.ofMillis(500)));
                List<LogLine> rejected = log.matching(line -> line.contains("rejected connection"));
                List<LogLine> wellFormed = rejected.stream().filter(line -> REJECTED.matcher(line.text()).find()).toList();
                String did = scenario.setup() + ", filled it, then had 3 more clients turned away";
                String want = "(" + l + "/" + m + ")";
                // A server that ended on its own during the check (it crashed once a refused client left, say) refused
                // only the clients it lived to see: its lines for those are what there is to judge here. How it ended is
                // the failure of the checks whose events set it off, the refusal's own among them.
                boolean endedEarly = scenario.server.endedOnItsOwn().isPresent() && !rejected.isEmpty() && rejected.size() < 3
                        && wellFormed.size() == rejected.size();
                if (!endedEarly && (wellFormed.size() != 3 || rejected.size() != 3)) {
                    var feedback = scenario.feedback()
                            .did(did)
                            .expected("exactly 3 lines ending in \"rejected connection: at capacity " + want + "\"")
                            .got(rejected.isEmpty() ? "no line contains \"rejected connection\""
                                    : rejected.size() + " lines contain \"rejected connection\", " + wellFormed.size() + " of them in the lesson's form")
                            .hint(rejected.isEmpty() ? "call Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\") in refuse"
                                    : "log once per refused client, in exactly this form: rejected connection: at capacity (N/MAX)",
                                    rejected.isEmpty() ? Feedback.Terms.LESSON_JAVA : Feedback.Terms.ANY_LANGUAGE)
                            .aboutItsLog();
                    // No refusal line, and the clients were left waiting or found nothing listening: did the server ever
                    // accept a client to refuse? That is task 3's to say first.
                    // Or did it die as it refused (a crash on the refusal path, task 3's)?
                    boolean neverAccepted = !allEnded || extras.stream().allMatch(Probe::refused) || scenario.server.endedOnItsOwn().isPresent();
                    throw rejected.isEmpty() && neverAccepted ? scenario.fail(feedback, Behaviour.ENDS_REFUSALS) : scenario.fail(feedback);
                }
                List<Integer> counts = new ArrayList<>();
                for (LogLine line : wellFormed) {
                    Matcher matcher = REJECTED.matcher(line.text());
                    matcher.find();
                    counts.add(Integer.parseInt(matcher.group(1)));
                    if (!matcher.group(2).equals(Integer.toString(m))) {
                        throw scenario.fail(scenario.feedback().did(did)
                                .expected("MAX = " + m + " in every refusal line, the limit the server was given")
                                .got("it logged: " + line.stamped())
                                .hint("the second number is the limit: print maxClients", Feedback.Terms.LESSON_JAVA));
                    }
                }
                // A count that grows by one with each refusal, from the clients connected, is the server's own count with
                // the refused clients counted in (task 3's rule, charged there): the lines log that count faithfully, and
                // this task's work is done.
                boolean countedIn = counts.size() == 3 && (counts.get(0) == l || counts.get(0) == l + 1)
                        && counts.get(1) == counts.get(0) + 1 && counts.get(2) == counts.get(1) + 1;
                if (counts.stream().anyMatch(n -> n != l) && !countedIn) {
                    boolean rising = counts.size() == 3 && counts.get(0) < counts.get(1) && counts.get(1) < counts.get(2);
                    throw scenario.fail(scenario.feedback().did(did)
                            .expected(want + " in every refusal line: N is the clients connected, which at a refusal is " + l)
                            .got("it logged N = " + counts + " in the 3 refusal lines: " + wellFormed.get(0).text())
                            .hint(rising ? "N grows with each refusal, and not from the " + l + " clients connected: it counts something"
                                    + " else, such as the refusals. Print the clients connected, the same count the accepted lines use"
                                    : counts.stream().allMatch(n -> n == l - 1) ? "N is one below the clients connected: print clients as it is,"
                                    + " not clients - 1"
                                    : "print the number of clients connected right now, the same count the accepted lines use",
                                    counts.stream().allMatch(n -> n == l - 1) ? Feedback.Terms.LESSON_JAVA : Feedback.Terms.ANY_LANGUAGE),
                            Behaviour.ENDS_REFUSALS);
                }
            } finally {
                for (Probe extra : extras) {
                    extra.close();
                }
            }
        });
    }
}
