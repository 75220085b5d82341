package dev.echokit.grader.report;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One grading as the report writers read it: the verdict, the grader's own copy of the proof log
 * when the proof check kept one, and how long the grading took.
 */
public record Outcome(Verdict verdict, Optional<Path> proof, long seconds) {
}
