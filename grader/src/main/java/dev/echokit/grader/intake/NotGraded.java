package dev.echokit.grader.intake;

/**
 * Why a submission has no score: nothing in it to grade, or the grader failing on it. The one
 * place that words it, for a class table's row and for the learner.
 */
public record NotGraded(Cause cause, String reason) {

    /** Whose the failure is: the submission's (nothing to grade) or the grader's own. */
    public enum Cause { NOTHING_TO_GRADE, GRADER_ERROR }

    /** Nothing to grade, and why ("no server sources", "work.rar is a .rar archive, …"). */
    public static NotGraded because(String reason) {
        return new NotGraded(Cause.NOTHING_TO_GRADE, reason);
    }

    /** The grader itself failed on the submission, described by {@link GraderError#describe}. */
    public static NotGraded graderError(String reason) {
        return new NotGraded(Cause.GRADER_ERROR, reason);
    }

    /** The row's words: "not graded: …" or "grader error: …". */
    public String words() {
        return (cause == Cause.GRADER_ERROR ? "grader error: " : "not graded: ") + reason;
    }

    /** What the learner reads instead of a verdict (feedback.md, Gradescope). */
    public String forLearner() {
        return cause == Cause.GRADER_ERROR ? GraderError.forLearner(reason) : "Not graded: " + reason + ".";
    }
}
