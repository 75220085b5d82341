package dev.echokit.grader.process;

/** One line a graded server printed, and when: {@code millis} since the server was started. */
public record LogLine(long millis, String text) {

    /** The line as the grader shows it to a learner: {@code [+N ms] text}. */
    public String stamped() {
        return "[+" + millis + " ms] " + text;
    }
}
