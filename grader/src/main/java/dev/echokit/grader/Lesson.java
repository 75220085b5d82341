package dev.echokit.grader;

import java.util.Map;

/** The lesson's task headings, which the grader's tags and the starter's TODO markers share. */
public final class Lesson {

    public static final String PATH = "lessons/w02-l12-connection-limits/README.md";
    public static final int XP = 50;

    /** Task number to heading, exactly as in the lesson text. */
    public static final Map<Integer, String> TASKS = Map.of(
            1, "Task 1 — Add the --max-clients option",
            2, "Task 2 — Check the count before you admit",
            3, "Task 3 — Tell the client, then close",
            4, "Task 4 — Log every refusal",
            5, "Task 5 — Give the slot back");

    private Lesson() {
    }

    public static int xpPerTask() {
        return XP / TASKS.size();
    }
}
