package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of grading one target: every check in lesson order, one line per part, and the
 * score. This is what the console prints, what {@code grader-report.json} holds and what a
 * classroom row is made of.
 */
@JsonPropertyOrder({"status", "score", "maxScore", "xpGraded", "architecturePenalty", "target", "notes", "tasks", "checks"})
public record Verdict(
        @JsonProperty("target") String target,
        @JsonIgnore String header,
        @JsonProperty("checks") List<CheckResult> checks,
        @JsonProperty("notes") List<String> notes,
        @JsonIgnore Lesson lesson) {

    /**
     * @param notes what the learner should know about how the sources were read: a file that was not
     *              UTF-8, tests left out, which of several source sets was graded
     * @param lesson the graded lesson: its parts are the summary's lines, in its order
     */
    public Verdict {
        List<Part> parts = lesson.parts();
        checks = checks.stream()
                .sorted(Comparator.comparingInt((CheckResult c) -> parts.indexOf(c.part())).thenComparingInt(CheckResult::order))
                .toList();
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public Verdict(String target, String header, List<CheckResult> checks) {
        this(target, header, checks, List.of(), ConnectionLimits.LESSON);
    }

    /** The same verdict under another name: a class's row names the learner, not the folder the grader read. */
    public Verdict named(String name) {
        return new Verdict(name, header, checks, notes, lesson);
    }

    /** The same verdict with earlier notes first (the intake's, when a class or Gradescope looked first). */
    public Verdict withNotesBefore(List<String> earlier) {
        List<String> all = new java.util.ArrayList<>(earlier);
        notes.stream().filter(n -> !all.contains(n)).forEach(all::add);
        return new Verdict(target, header, checks, all, lesson);
    }

    @JsonProperty("tasks")
    public List<PartResult> parts() {
        return lesson.parts().stream()
                .map(part -> PartResult.of(part, in(part)))
                .toList();
    }

    public Optional<PartResult> part(Part part) {
        return parts().stream().filter(r -> r.part().equals(part)).findFirst();
    }

    /** "passed" only when no check failed or waits for another task. */
    @JsonProperty("status")
    public Status status() {
        return checks.stream().allMatch(c -> c.status() != Status.FAILED && c.status() != Status.NEEDS_TASK)
                ? Status.PASSED : Status.FAILED;
    }

    public boolean passed() {
        return status() == Status.PASSED;
    }

    /**
     * What a broken architecture rule takes off the total, once however many are broken: a server
     * with a thread, a pool, a sleeping or polling loop, a blocking socket or System.exit outside
     * main works the wrong way, so it never shows 50/50. The lesson states the rule.
     */
    public static final int ARCHITECTURE_PENALTY = 10;

    /** The XP the tasks earned, before anything is taken off. */
    public int tasksXp() {
        return parts().stream().mapToInt(PartResult::xp).sum();
    }

    /**
     * The task that pays for a broken architecture rule: the one whose own methods hold the break
     * (a sleep in refuse() is task 3's), else the one that earned the most XP (the later one on a
     * tie), so the penalty is a whole task's XP — up to {@link #ARCHITECTURE_PENALTY} — and every
     * platform that scores check by check shows it the same way: that task's checks earn nothing.
     */
    public Optional<Part> chargedTask() {
        List<CheckResult> broken = in(lesson.first(Part.Kind.RULES)).stream().filter(c -> c.is(Status.FAILED)).toList();
        if (broken.isEmpty()) {
            return Optional.empty();
        }
        // The task whose own code breaks the rule pays (a sleep in refuse() costs task 3); a rule broken in the shared
        // loop or a helper costs the task that earned the most.
        Optional<Part> owner = ownerOfTheBreak();
        if (owner.isPresent()) {
            return owner;
        }
        return parts().stream().filter(r -> r.part().isTask() && r.xp() > 0)
                .max(Comparator.comparingInt(PartResult::xp).thenComparing(PartResult::part))
                .map(PartResult::part);
    }

    /** Whether the charged task is the one whose own code breaks the rule (else it is the one with the most XP). */
    public boolean chargedForItsCode() {
        return ownerOfTheBreak().isPresent();
    }

    /** The task whose own code breaks a failed architecture rule, as its check found it (see {@code Feedback.charging}). */
    private Optional<Part> ownerOfTheBreak() {
        return in(lesson.first(Part.Kind.RULES)).stream().filter(c -> c.is(Status.FAILED)).map(CheckResult::feedback)
                .filter(java.util.Objects::nonNull).map(dev.echokit.grader.feedback.Feedback::charges).flatMap(Optional::stream).findFirst();
    }

    /** XP taken off because an architecture rule failed: the charged task's XP, at most 10; 0 when none failed. */
    @JsonProperty("architecturePenalty")
    public int architecturePenalty() {
        return chargedTask().flatMap(this::part).map(r -> Math.min(ARCHITECTURE_PENALTY, r.xp())).orElse(0);
    }

    /** The tasks' XP less the architecture penalty: the one score the console, the JSON and every table show. */
    @JsonProperty("score")
    public int score() {
        return tasksXp() - architecturePenalty();
    }

    @JsonProperty("maxScore")
    public int maxScore() {
        return lesson.maxXp();
    }

    /** False when no task check ran (a stretch-only run, say): then the score means nothing. */
    @JsonProperty("xpGraded")
    public boolean xpGraded() {
        return parts().stream().anyMatch(r -> r.xpMax() > 0 && r.ran() > 0);
    }

    public List<CheckResult> with(Status status) {
        return checks.stream().filter(c -> c.is(status)).toList();
    }

    /** The graded lesson: the parts this verdict reports on. */
    public Lesson lesson() {
        return lesson;
    }

    public List<CheckResult> in(Part part) {
        return checks.stream().filter(c -> c.part().equals(part)).toList();
    }
}
