package dev.echokit.grader.lesson;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One part of a lesson, as its {@link Lesson} declares it: the tag its checks carry, the heading the
 * learner reads, the XP it is worth, the behaviour it provides to other parts, the behaviours its
 * checks rely on, where its code sits, and its check class. Two parts are the same part when their
 * tags are; parts sort by their place in their lesson.
 */
public final class Part implements Comparable<Part> {

    /** What kind of part: it decides how a part is scored and named, never its place. */
    public enum Kind { PREVIOUS_LESSON, TASK, RULES, STRETCH }

    private final String tag;
    private final String heading;
    private final int xp;
    private final Kind kind;
    private final Behaviour provides;
    private final List<Behaviour> reliesOn;
    private final List<Anchor> anchors;
    private final List<Anchor> repeats;
    private final Class<?> checks;
    private final int position;

    private Part(String tag, String heading, int xp, Kind kind, Behaviour provides, List<Behaviour> reliesOn,
                 List<Anchor> anchors, List<Anchor> repeats, Class<?> checks, int position) {
        this.tag = Objects.requireNonNull(tag);
        this.heading = Objects.requireNonNull(heading);
        this.xp = xp;
        this.kind = Objects.requireNonNull(kind);
        this.provides = provides;
        this.reliesOn = List.copyOf(reliesOn);
        this.anchors = List.copyOf(anchors);
        this.repeats = List.copyOf(repeats);
        this.checks = checks;
        this.position = position;
    }

    /** A part with nothing declared beyond its name and worth; the withers add the rest. */
    public static Part of(Kind kind, String tag, String heading, int xp) {
        return new Part(tag, heading, xp, kind, null, List.of(), List.of(), List.of(), null, -1);
    }

    /** A lesson task: tagged {@code task:N}, headed as the lesson text heads it. */
    public static Part task(int number, String heading, int xp) {
        return of(Kind.TASK, "task:" + number, heading, xp);
    }

    public Part provides(Behaviour behaviour) {
        return new Part(tag, heading, xp, kind, behaviour, reliesOn, anchors, repeats, checks, position);
    }

    public Part relyingOn(Behaviour... behaviours) {
        return new Part(tag, heading, xp, kind, provides, List.of(behaviours), anchors, repeats, checks, position);
    }

    /** The marks of this part's code, most telling first (see {@code SourceMap}). */
    public Part anchors(Anchor... marks) {
        return new Part(tag, heading, xp, kind, provides, reliesOn, List.of(marks), repeats, checks, position);
    }

    /**
     * Code that belongs to another part where it appears once (task 2's one {@code clients++}) and may
     * be this part's mistake where it appears again (a refused client counted too): shown for this
     * part only when it matches more than one line.
     */
    public Part alsoWhereRepeated(Anchor... marks) {
        return new Part(tag, heading, xp, kind, provides, reliesOn, anchors, List.of(marks), checks, position);
    }

    public Part checkedBy(Class<?> checkClass) {
        return new Part(tag, heading, xp, kind, provides, reliesOn, anchors, repeats, checkClass, position);
    }

    /** The same part at {@code place} in its lesson: {@link Lesson} sets it. */
    Part at(int place) {
        return new Part(tag, heading, xp, kind, provides, reliesOn, anchors, repeats, checks, place);
    }

    @JsonValue
    public String tag() {
        return tag;
    }

    public String heading() {
        return heading;
    }

    public int xp() {
        return xp;
    }

    public Kind kind() {
        return kind;
    }

    /** The behaviour whose absence holds up other parts' checks, and whose probe tells; empty for most parts. */
    public Optional<Behaviour> provided() {
        return Optional.ofNullable(provides);
    }

    /** Every behaviour of another part that one of this part's checks may rely on. */
    public List<Behaviour> reliance() {
        return reliesOn;
    }

    public boolean reliesOn(Behaviour behaviour) {
        return reliesOn.contains(behaviour);
    }

    public List<Anchor> anchors() {
        return anchors;
    }

    /** See {@link #alsoWhereRepeated}. */
    public List<Anchor> repeats() {
        return repeats;
    }

    /** The class that holds this part's checks; empty for a part whose checks live in another's class. */
    public Optional<Class<?>> checkClass() {
        return Optional.ofNullable(checks);
    }

    /** The part's place in its lesson, from 0: what reports number and sort by. */
    public int position() {
        return position;
    }

    /** The task number, or 0 for the parts that are not lesson tasks. */
    public int task() {
        return isTask() ? Integer.parseInt(tag.substring(tag.indexOf(':') + 1)) : 0;
    }

    public boolean isTask() {
        return kind == Kind.TASK;
    }

    /** "task 3", "echo", "architecture": how a one-line message names the part. */
    public String shortName() {
        return isTask() ? "task " + task() : tag;
    }

    /** "Task 3", "Echo", "Architecture": how a platform's test name starts. */
    public String label() {
        return isTask() ? "Task " + task() : Character.toUpperCase(tag.charAt(0)) + tag.substring(1);
    }

    /**
     * The part's XP shared out over {@code checks} checks in whole XP, the first checks taking the
     * remainder: 10 over 3 checks is 4, 3, 3. Whole shares are what keep every platform's total
     * equal to the grader's: Gradescope adds the tests' scores, GitHub Classroom adds the runners'.
     */
    public int[] shares(int checks) {
        int[] shares = new int[Math.max(checks, 0)];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = xp / checks + (i < xp % checks ? 1 : 0);
        }
        return shares;
    }

    @Override
    public int compareTo(Part other) {
        return Integer.compare(position, other.position);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Part p && p.tag.equals(tag);
    }

    @Override
    public int hashCode() {
        return tag.hashCode();
    }

    @Override
    public String toString() {
        return tag;
    }
}
