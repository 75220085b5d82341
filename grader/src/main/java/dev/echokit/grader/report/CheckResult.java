package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;

/**
 * The outcome of one check: which part of the lesson it belongs to, how it ended, and the
 * grader's full feedback when it did not pass.
 *
 * @param needs the part whose missing behaviour kept this check from judging its own, or null
 * @param feedback the failure's parts, for the console; null unless the check failed with grader feedback
 * @param order    the check's place in the run's plan: results sort by part, then by this, whatever order they finished in
 * @param setup    why nothing could be checked at all, for the one result that stands for that; null for a check
 * @param reason   why it did not judge, in its own words: a needs-task's or an n/a's reason, with none of
 *                 the status words the message starts with; the message itself otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckResult(
        String name,
        @JsonProperty("task") Part part,
        Status status,
        @JsonProperty("needsTask") Part needs,
        String message,
        @JsonProperty("durationMillis") long millis,
        @JsonIgnore Feedback feedback,
        @JsonIgnore int order,
        @JsonIgnore Setup setup,
        @JsonIgnore String reason) {

    /** Why a server could not be checked at all: the grader found no sources, or they did not build into a server. */
    public enum Setup { NO_SOURCES, DOES_NOT_BUILD }

    public CheckResult(String name, Part part, Status status, Part needs, String message, long millis, Feedback feedback, int order) {
        this(name, part, status, needs, message, millis, feedback, order, null, message);
    }

    public CheckResult(String name, Part part, Status status, Part needs, String message, long millis, Feedback feedback) {
        this(name, part, status, needs, message, millis, feedback, 0, null, message);
    }

    /**
     * The one failure that stands for a server that could not be checked at all: it is {@code first}'s,
     * the previous lesson's part, since nothing else ran.
     */
    public static CheckResult setupFailure(Part first, String name, Setup why, String message) {
        return new CheckResult(name, first, Status.FAILED, null, message, 0, null, 0, why, message);
    }

    public boolean isSetupFailure() {
        return setup != null;
    }

    public boolean is(Status wanted) {
        return status == wanted;
    }

    /** "needs task 1", "needs echo", or the status word. */
    public String statusText() {
        return status == Status.NEEDS_TASK ? "needs " + needs.shortName() : status.word();
    }
}
