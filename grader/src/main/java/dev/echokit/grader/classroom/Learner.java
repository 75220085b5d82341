package dev.echokit.grader.classroom;

/** One learner of the roster: the submission's folder or zip name, and who it is. */
public record Learner(String folder, String id, String name, String email) {
}
