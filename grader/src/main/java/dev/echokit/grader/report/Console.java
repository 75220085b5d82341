package dev.echokit.grader.report;

import dev.echokit.grader.feedback.FailureText;
import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a learner reads at the end of a run: each failure once, grouped under its part with the
 * part's "where to look" once, each check that needs another task in one line, then the summary
 * table last.
 */
public final class Console {

    private static final String ROW = "  %-42s %-22s %s";

    private Console() {
    }

    /** The notes on how the sources were read, the failures, then the summary; {@code proof} is the summary's line about the proof log (see {@code Proof.note}). */
    public static String render(Verdict verdict, Optional<String> proof, Optional<Path> report) {
        return notes(verdict) + failures(verdict) + summary(verdict, proof, report);
    }

    /** One line per note: "note: read EchoServer.java as windows-1252, not UTF-8: save your files as UTF-8". */
    public static String notes(Verdict verdict) {
        return verdict.notes().stream().map(n -> "note: " + n + "\n").collect(Collectors.joining());
    }

    /** The most places a part's "where to look" lists: a task's four, or a few from each of its failures. */
    private static final int WHERE_LINES = 6;

    static String failures(Verdict verdict) {
        List<String> out = new ArrayList<>();
        for (Part part : verdict.lesson().parts()) {
            List<CheckResult> failed = verdict.in(part).stream().filter(c -> c.is(Status.FAILED)).toList();
            if (!failed.isEmpty()) {
                out.add("");
                out.add("✗ " + part.heading() + (part.isTask() ? "   (lesson: " + verdict.lesson().text() + ")" : ""));
                // Each failure's places, once: the rules (and the stretch checks) each point at their own code.
                List<String> places = failed.stream().map(CheckResult::feedback).filter(f -> f != null)
                        .flatMap(f -> f.whereToLook().stream()).distinct().limit(WHERE_LINES).toList();
                if (!places.isEmpty()) {
                    out.add(labelled(FailureText.Field.WHERE.label() + " ", places, "  "));
                }
                java.util.Set<List<String>> hinted = new java.util.HashSet<>(); // a hint said once per part
                inOrderOfHint(failed).forEach(check -> out.add(failure(check, hinted)));
            }
            blocked(verdict.in(part)).forEach((why, count) -> out.add("○ " + part.heading() + ": "
                    + (count == 1 ? "1 check needs " : count + " checks need ") + why));
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    /**
     * The failures in their order, except that those with the same hint follow the first of them, so
     * "the same as above" is always about the hint just above.
     */
    private static List<CheckResult> inOrderOfHint(List<CheckResult> failed) {
        Map<Object, List<CheckResult>> byHint = new LinkedHashMap<>(); // a check without a hint keeps a place of its own
        for (CheckResult check : failed) {
            boolean hinted = check.feedback() != null && !check.feedback().hint().isEmpty();
            byHint.computeIfAbsent(hinted ? check.feedback().hint() : check, h -> new ArrayList<>()).add(check);
        }
        return byHint.values().stream().flatMap(List::stream).toList();
    }

    /** Needs-task lines of one part: "needs task 1 (the server does not know --max-clients yet)" → how many. */
    private static Map<String, Integer> blocked(List<CheckResult> checks) {
        Map<String, Integer> groups = new LinkedHashMap<>();
        checks.stream().filter(c -> c.is(Status.NEEDS_TASK)).forEach(c -> groups.merge(
                c.needs().shortName() + " first: " + c.reason(),
                1, Integer::sum));
        return groups;
    }

    private static String failure(CheckResult check, java.util.Set<List<String>> hinted) {
        Feedback f = check.feedback();
        if (f == null) {
            return "  ✗ " + check.name() + "\n" + indent(check.message(), "      ");
        }
        // Where to look is said once per part, above its checks; the part's heading names the lesson;
        // a hint already given in this part is not said again.
        List<FailureText.Entry> entries = FailureText.of(f).stream()
                .filter(e -> e.field() != FailureText.Field.WHERE && e.field() != FailureText.Field.LESSON)
                .map(e -> e.field() == FailureText.Field.HINT && !hinted.add(e.lines())
                        ? new FailureText.Entry(e.field(), List.of("the same as above")) : e).toList();
        List<String> lines = new ArrayList<>();
        lines.add("  ✗ " + check.name());
        lines.addAll(FailureText.aligned(entries, "      "));
        return String.join("\n", lines);
    }

    private static String labelled(String label, List<String> items, String indent) {
        return indent + label + String.join("\n" + indent + " ".repeat(label.length()), items);
    }

    private static String indent(String text, String indent) {
        return text.lines().map(line -> indent + line).collect(Collectors.joining("\n"));
    }

    public static String summary(Verdict verdict, Optional<String> proof, Optional<Path> report) {
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("EchoKit grader summary — " + verdict.target());
        out.add(String.format(Locale.ROOT, ROW, "part", "checks", "XP").stripTrailing());
        for (PartResult row : verdict.parts()) {
            String xp = row.part().kind() == Part.Kind.RULES && verdict.architecturePenalty() > 0 ? "-" + verdict.architecturePenalty()
                    : row.xpMax() == 0 ? "" : row.ran() == 0 ? "-" : row.xp() + "/" + row.xpMax();
            out.add(String.format(Locale.ROOT, ROW, row.part().heading(), checksCell(row, verdict.in(row.part())), xp)
                    .stripTrailing());
        }
        boolean someTasksOff = verdict.parts().stream().anyMatch(r -> r.xpMax() > 0 && r.ran() == 0);
        String total = !verdict.xpGraded() ? "-   (no task was checked in this run: XP not graded)"
                : verdict.score() + "/" + verdict.maxScore() + (someTasksOff ? "   (only some tasks were checked in this run)" : "")
                + (verdict.architecturePenalty() == 0 ? "" : "   (" + penalty(verdict) + ")");
        out.add(String.format(Locale.ROOT, ROW, "total", "", total).stripTrailing());
        out.add("  " + next(verdict));
        List<CheckResult> notApplicable = verdict.with(Status.NOT_APPLICABLE);
        if (!notApplicable.isEmpty()) {
            out.add("  n/a: " + notApplicable.size() + " check" + (notApplicable.size() == 1 ? "" : "s") + " — "
                    + notApplicable.stream().map(CheckResult::reason).distinct()
                    .collect(Collectors.joining("; ")));
        }
        proof.ifPresent(line -> out.add("  " + line));
        report.ifPresent(p -> out.add("  report: " + p));
        return String.join("\n", out) + "\n";
    }

    /**
     * Why XP are off, in words that fit the count: "breaks an architecture rule — ...; ... from task 2, whose code breaks it",
     * or "breaks 3 architecture rules — ...; ... whose code breaks one of them" (one sentence once said "a rule" of three).
     */
    private static String penalty(Verdict verdict) {
        long broken = verdict.in(verdict.lesson().first(Part.Kind.RULES)).stream().filter(c -> c.is(Status.FAILED)).count();
        return verdict.architecturePenalty() + " XP off: the server breaks " + (broken == 1 ? "an architecture rule" : broken + " architecture rules")
                + " — " + brokenRules(verdict) + "; a platform that scores check by check takes them from "
                + verdict.chargedTask().map(Part::shortName).orElse("")
                + (verdict.chargedForItsCode() ? ", whose code breaks " + (broken == 1 ? "it" : "one of them")
                : ", the task with the most XP (the last one, on a tie), as no task's own code was found to break "
                        + (broken == 1 ? "it" : "them"));
    }

    private static String brokenRules(Verdict verdict) {
        return verdict.in(verdict.lesson().first(Part.Kind.RULES)).stream().filter(c -> c.is(Status.FAILED)).map(c -> "\"" + c.name() + "\"")
                .collect(Collectors.joining(", "));
    }

    private static String checksCell(PartResult row, List<CheckResult> checks) {
        if (row.ran() == 0) {
            return checks.stream().anyMatch(c -> c.is(Status.NOT_APPLICABLE)) ? "n/a" : "not run";
        }
        String needs = PartResult.needed(checks).stream().map(Part::shortName).collect(Collectors.joining(", "));
        if (row.passed() + row.failed() == 0) {
            return "needs " + needs;
        }
        long notApplicable = checks.stream().filter(c -> c.is(Status.NOT_APPLICABLE)).count();
        String judged = row.passed() + "/" + (row.passed() + row.failed()) + " passed"
                + (notApplicable == 0 ? "" : ", " + notApplicable + " n/a"); // never "all passed" when some could not apply
        return row.needsTask() == 0 ? judged : judged + ", " + row.needsTask() + " wait";
    }

    /** One line that says where to start. */
    private static String next(Verdict verdict) {
        for (PartResult row : verdict.parts()) {
            if (row.failed() > 0) {
                return "next: " + row.part().heading() + " — " + row.failed() + " check" + (row.failed() == 1 ? "" : "s")
                        + " failed; the first ✗ block above says " + (row.part().kind() == Part.Kind.RULES
                        ? "which rule and where the code breaks it" : "what happened and where to look");
            }
        }
        for (PartResult row : verdict.parts()) {
            if (row.needsTask() > 0) {
                return "next: " + row.part().heading() + " waits for "
                        + PartResult.needed(verdict.in(row.part())).first().shortName() + ", which this run did not check";
            }
        }
        return verdict.with(Status.PASSED).isEmpty() ? "no check ran" : "every check that ran passed.";
    }
}
