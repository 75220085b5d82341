package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.echokit.grader.lesson.Status;
import java.util.List;

/**
 * Gradescope's {@code results.json}: the score, the summary and proof log as the submission's
 * output (the total on its first line), and one test per check in lesson order, each worth its
 * whole share of its task's XP, so the tests add up to the score exactly. A check that waits for
 * another task says "not judged" in its name and its output.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GradescopeResults(
        double score,
        @JsonProperty("execution_time") long executionTime,
        String output,
        @JsonProperty("output_format") String outputFormat,
        String visibility,
        @JsonProperty("stdout_visibility") String stdoutVisibility,
        List<Test> tests) {

    /** One check as a Gradescope test. */
    public record Test(
            String name,
            String number,
            int score,
            @JsonProperty("max_score") int maxScore,
            String status,
            String output,
            List<String> tags,
            String visibility) {
    }

    public static GradescopeResults of(Verdict verdict, String output, long seconds) {
        List<Test> tests = verdict.checks().stream().map(check -> new Test(
                Shares.name(check),
                Shares.number(verdict, check),
                Shares.score(verdict, check),
                Shares.maxScore(verdict, check),
                Shares.earns(verdict, check) || check.is(Status.NOT_APPLICABLE) ? "passed" : "failed",
                check.is(Status.NOT_APPLICABLE) ? check.message() : Shares.message(verdict, check),
                List.of(check.part().tag()),
                "visible")).toList();
        return new GradescopeResults(verdict.score(), seconds, output, "text", "visible", "visible", tests);
    }

    /** A submission that could not be graded at all: score 0, and why, in words. */
    public static GradescopeResults notGraded(String why, long seconds) {
        return new GradescopeResults(0, seconds, why, "text", "visible", "visible", List.of());
    }
}
