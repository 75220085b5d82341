package dev.echokit.grader.classroom;

import dev.echokit.grader.report.Verdict;

/** A row and, while it is in memory, the verdict it came from. */
public record Graded(Row row, Verdict verdict) {
}
