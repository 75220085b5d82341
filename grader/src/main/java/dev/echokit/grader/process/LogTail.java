package dev.echokit.grader.process;

import dev.echokit.grader.feedback.FailureText;
import java.util.List;

/**
 * The end of a server's log as a failure shows it: the last lines, with lines of the same shape in
 * a row folded into one, the last line of each kind that carries evidence kept even when it came
 * earlier, and how many lines were never kept because the server flooded its output.
 * {@link FailureText} renders it.
 *
 * @param shown   the lines shown, in the order the server printed them
 * @param after   lines after the last one shown and not shown: the JDK's and libraries' frames of a stack trace
 * @param dropped lines not kept at all: the server flooded its output
 */
public record LogTail(List<Shown> shown, int after, long dropped) {

    /**
     * One line shown.
     *
     * @param line    the line: the last of its run
     * @param alike   how many lines right before it had the same shape (only times and peers differ) and were folded into it
     * @param skipped how many lines before it (since the previous one shown) are not shown
     */
    public record Shown(LogLine line, int alike, int skipped) {
    }

    /** Every line shown, folded lines not counted: for tests and plain text. */
    public List<LogLine> lines() {
        return shown.stream().map(Shown::line).toList();
    }
}
