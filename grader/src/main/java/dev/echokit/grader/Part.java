package dev.echokit.grader;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The parts of the lesson the grader reports on, in lesson order: the tag its checks carry, the
 * heading the learner reads (the lesson's own, for tasks) and the XP it is worth. Everything that
 * prints, scores or sorts results reads this one list.
 */
public enum Part {
    ECHO("echo", "Echo still works (previous lesson)", 0),
    TASK_1("task:1", "Task 1 — Add the --max-clients option", 10),
    TASK_2("task:2", "Task 2 — Check the count before you admit", 10),
    TASK_3("task:3", "Task 3 — Tell the client, then close", 10),
    TASK_4("task:4", "Task 4 — Log every refusal", 10),
    TASK_5("task:5", "Task 5 — Give the slot back", 10),
    ARCHITECTURE("architecture", "Architecture rules", 0),
    STRETCH("stretch", "Stretch (-Dgroups=stretch)", 0);

    /** The lesson text, relative to the kit's root; task headings are quoted from it. */
    public static final String LESSON = "lessons/w02-l12-connection-limits/README.md";

    private final String tag;
    private final String heading;
    private final int xp;

    Part(String tag, String heading, int xp) {
        this.tag = tag;
        this.heading = heading;
        this.xp = xp;
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

    /** The task number, or 0 for the parts that are not lesson tasks. */
    public int task() {
        return tag.startsWith("task:") ? Integer.parseInt(tag.substring(5)) : 0;
    }

    public boolean isTask() {
        return task() > 0;
    }

    /** "task 3", "echo", "architecture": how a one-line message names the part. */
    public String shortName() {
        return isTask() ? "task " + task() : tag;
    }

    /**
     * The part a check counts for, from its tags: a task's tag first (a task check may live among
     * the architecture rules), then the architecture rules, then stretch; echo otherwise.
     */
    public static Part ofTags(java.util.Collection<String> tags) {
        List<Part> parts = tags.stream().map(Part::ofTag).flatMap(Optional::stream).sorted().toList();
        return parts.stream().filter(Part::isTask).findFirst()
                .or(() -> parts.stream().filter(p -> p == ARCHITECTURE || p == STRETCH).findFirst())
                .orElse(ECHO);
    }

    public static List<Part> tasks() {
        return Arrays.stream(values()).filter(Part::isTask).toList();
    }

    public static Optional<Part> ofTag(String tag) {
        return Arrays.stream(values()).filter(p -> p.tag.equals(tag)).findFirst();
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

    /** The most XP a run can earn: the sum of the tasks'. */
    public static int maxXp() {
        return Arrays.stream(values()).mapToInt(Part::xp).sum();
    }
}
