package dev.echokit.grader.process;

import dev.echokit.grader.feedback.FailureText;
import java.util.List;

/**
 * The end of a server's log as a failure shows it: the last lines, how many came before them, and
 * how many were never kept because the server flooded its output. {@link FailureText} renders it.
 */
public record LogTail(List<LogLine> lines, int earlier, long dropped) {
}
