package dev.echokit.grader;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;

/** The real lesson's parts by name, for tests that build results by hand; the grader itself names them only in {@link Lesson}. */
public final class Parts {

    public static final Lesson LESSON = ConnectionLimits.LESSON;
    public static final Part ECHO = LESSON.first(Part.Kind.PREVIOUS_LESSON);
    public static final Part TASK_1 = LESSON.part("task:1").orElseThrow();
    public static final Part TASK_2 = LESSON.part("task:2").orElseThrow();
    public static final Part TASK_3 = LESSON.part("task:3").orElseThrow();
    public static final Part TASK_4 = LESSON.part("task:4").orElseThrow();
    public static final Part TASK_5 = LESSON.part("task:5").orElseThrow();
    public static final Part ARCHITECTURE = LESSON.first(Part.Kind.RULES);
    public static final Part STRETCH = LESSON.first(Part.Kind.STRETCH);

    private Parts() {
    }
}
