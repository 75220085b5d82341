package dev.echokit.grader.checks;

import dev.echokit.grader.process.LogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server's own log lines show about its count, judged from the lines alone: no server, no
 * socket, so a recorded log can be judged in a unit test. Each hint is given only when the lines
 * show its cause; empty otherwise, and the check says what fits instead.
 */
final class LogEvidence {

    private LogEvidence() {
    }

    private static final Pattern CLOSED = Pattern.compile("closed connection from (\\S+) \\((-?\\d+)/(\\d+)\\)");

    /**
     * What the server's own "closed connection" lines say went wrong with its count, when they show
     * it: a count below zero, or one peer closed twice, means one departure was counted down twice.
     */
    static Optional<String> countHint(List<LogLine> log) {
        java.util.Set<String> peers = new java.util.HashSet<>();
        for (String line : log.stream().map(LogLine::text).filter(l -> l.contains("closed connection from")).toList()) {
            Matcher m = CLOSED.matcher(line);
            if (!m.find()) {
                continue;
            }
            if (Integer.parseInt(m.group(2)) < 0) {
                return Optional.of("the log shows a count below zero (" + m.group(2) + "/" + m.group(3) + "): the count went"
                        + " down more often than clients left. Count down exactly once per departure, in the one place every way of"
                        + " leaving goes through (Connection.close runs its body once)");
            }
            if (!peers.add(m.group(1))) {
                return Optional.of("the log shows " + m.group(1) + " closed twice: one departure was counted down twice."
                        + " Count down only in Connection.close, which runs its body once, not also where the error is caught");
            }
        }
        return Optional.empty();
    }

    private static final Pattern REJECTED_COUNT = Pattern.compile("rejected connection: at capacity \\((-?\\d+)/(\\d+)\\)");

    /**
     * When a refusal line is followed at once by an accepted line counting past the limit: the
     * refused client was then admitted as well (a missing return or else). Empty otherwise.
     */
    static Optional<String> refusedThenAdmittedHint(List<LogLine> log, int max) {
        for (int i = 1; i < log.size(); i++) {
            String line = log.get(i).text();
            Matcher count = Task2Checks.COUNT.matcher(line);
            if (line.contains("accepted connection") && log.get(i - 1).text().contains("rejected connection")
                    && count.find() && Integer.parseInt(count.group(1)) > max) {
                return Optional.of("the refused client was then admitted as well: right after a refusal line, the log admits a client past"
                        + " the limit (see the server log). Refuse or admit, never both: return after refusing, or admit only in an else");
            }
        }
        return Optional.empty();
    }

    /**
     * What the refusal lines say about the count, when they show a refused client counted in: the
     * count rising with each refusal. Empty otherwise.
     */
    static Optional<String> refusalsCountedHint(List<LogLine> log) {
        // The refusals between departures (a departure counts down, and the next refusal starts lower); the last
        // such run is judged and quoted, since the log tail beside the hint shows the last lines, not the first.
        List<List<Integer>> runs = new ArrayList<>(List.of(new ArrayList<>()));
        for (String line : log.stream().map(LogLine::text)
                .filter(l -> l.contains("rejected connection") || l.contains("closed connection")).toList()) {
            if (line.contains("closed connection")) {
                runs.add(new ArrayList<>());
                continue;
            }
            Matcher m = REJECTED_COUNT.matcher(line);
            if (m.find()) {
                runs.get(runs.size() - 1).add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> counts = runs.stream().filter(run -> run.size() >= 2).reduce((first, second) -> second).orElse(List.of());
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 1; i < counts.size(); i++) {
            if (counts.get(i) <= counts.get(i - 1)) {
                return Optional.empty();
            }
        }
        List<Integer> quoted = counts.subList(Math.max(0, counts.size() - 3), counts.size());
        return Optional.of("the refusal lines show the count rising with each refusal (" + quoted.stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(", ")) + "): each refused client was counted in as if admitted."
                + " Count a client only on the path that admits it: not in refuse, and not before or after the check that decides");
    }

    /**
     * What the log says when a refusal gave back a slot: a refusal, then a new client admitted with
     * no client leaving in between. Empty otherwise.
     */
    static Optional<String> refusalFreedHint(List<LogLine> log) {
        boolean refused = false;
        for (String line : log.stream().map(LogLine::text).filter(l -> l.contains("rejected connection")
                || l.contains("accepted connection") || l.contains("closed connection")).toList()) {
            if (line.contains("rejected connection")) {
                refused = true;
            } else if (line.contains("closed connection")) {
                refused = false;
            } else if (refused) {
                return Optional.of("the log shows a refusal, then a new client admitted with no client leaving in between:"
                        + " the refusal counted a client down that was never counted in. Close a refused channel directly, and count"
                        + " down only when an admitted client leaves (connectionClosed)");
            }
        }
        return Optional.empty();
    }
}
