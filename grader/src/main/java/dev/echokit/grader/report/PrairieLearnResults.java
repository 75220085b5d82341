package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.echokit.grader.lesson.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * PrairieLearn's {@code /grade/results/results.json}: the score as a fraction (the total over the
 * lesson's XP), the learner's feedback as the output, and one test per check in lesson order with
 * the same whole points as Gradescope's and GitHub Classroom's, so the tests' points add up to the
 * total. The format is PrairieLearn's {@code docs/externalGrading.md}, "Grading results" (read at
 * PrairieLearn commit 88fb855): {@code score} in [0, 1], required unless {@code gradable} is false;
 * {@code gradable: false} for a submission that could not be graded, with {@code format_errors}
 * saying why, which costs the learner no attempt; {@code message}, {@code output} and {@code tests}
 * ({@code name}, {@code points}, {@code max_points}, {@code message}, {@code output}) as the
 * {@code pl-external-grader-results} element shows them. Its grader host refuses a file over 1 MB
 * ({@code apps/grader-host/src/index.ts}), so {@link #within} cuts the texts to fit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"gradable", "score", "message", "output", "format_errors", "tests"})
public record PrairieLearnResults(
        boolean gradable,
        Double score,
        String message,
        String output,
        @JsonProperty("format_errors") List<String> formatErrors,
        List<Test> tests) {

    /** PrairieLearn's grader host drops a results.json larger than this (1 MiB); the grader stays under it. */
    public static final int MOST_BYTES = 1_000_000;

    /** One check as a PrairieLearn test: the status in a word or two, the grader's feedback as its output. */
    public record Test(
            String name,
            int points,
            @JsonProperty("max_points") int maxPoints,
            String message,
            String output) {
    }

    /** A graded submission, whatever it scored (a compile error too: that is a verdict, 0 of 50). */
    public static PrairieLearnResults of(Verdict verdict, String output) {
        List<Test> tests = verdict.checks().stream().map(check -> new Test(
                Shares.name(check),
                Shares.score(verdict, check),
                Shares.maxScore(verdict, check),
                check.is(Status.PASSED) && !Shares.earns(verdict, check) ? "passed, earns nothing" : check.statusText(),
                check.is(Status.NOT_APPLICABLE) ? check.message() : Shares.message(verdict, check))).toList();
        return new PrairieLearnResults(true, (double) verdict.score() / verdict.maxScore(),
                "Total: " + verdict.score() + "/" + verdict.maxScore(), output, null, tests);
    }

    /**
     * Nothing was graded (no sources, or the grader failed): not gradable, so PrairieLearn awards and
     * takes nothing and the learner keeps the attempt; {@code why} is the format error it shows.
     */
    public static PrairieLearnResults notGraded(String why, String output) {
        return new PrairieLearnResults(false, null, why, output, List.of(why), List.of());
    }

    /**
     * The same results with the output and each test's output cut, as little as it takes, so that
     * the file fits PrairieLearn's limit; the names, points and score are never cut.
     */
    public PrairieLearnResults within(int mostBytes) {
        PrairieLearnResults cut = this;
        int keep = Integer.MAX_VALUE;
        while (JsonReport.toJson(cut).getBytes(StandardCharsets.UTF_8).length > mostBytes && keep > 0) {
            keep = keep == Integer.MAX_VALUE ? mostBytes / 4 : keep / 2;
            int most = keep;
            cut = new PrairieLearnResults(gradable, score, message, cut(output, most), formatErrors,
                    tests.stream().map(t -> new Test(t.name(), t.points(), t.maxPoints(), t.message(), cut(t.output(), most / 8))).toList());
        }
        return cut;
    }

    private static String cut(String text, int most) {
        if (text == null || text.length() <= most) {
            return text;
        }
        int end = most > 0 && Character.isHighSurrogate(text.charAt(most - 1)) ? most - 1 : most;
        return text.substring(0, end) + "\n… (cut here: PrairieLearn takes at most 1 MB of results, and the rest did not fit)";
    }
}
