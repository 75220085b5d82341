package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result format GitHub Classroom's {@code autograding-grading-reporter} reads from a runner
 * step. The reporter counts points twice, two ways: its table scores a runner as (tests passed /
 * tests) × max_score, and the points it sends to Classroom are the sum of the tests' own scores.
 * Both equal the grader's XP only when a runner is one check worth a whole share; so the grader
 * writes one runner per task check (see {@link #runners}), and every score is a whole number.
 */
public record ClassroomRunnerResult(
        int version,
        String status,
        @JsonProperty("max_score") int maxScore,
        List<Test> tests) {

    /** One check. */
    public record Test(
            String name,
            String status,
            int score,
            String message,
            @JsonProperty("line_no") int lineNo,
            @JsonProperty("test_code") String testCode) {
    }

    /** Every check of the run in one runner, worth the lesson's XP: for tools that read one file. */
    public static ClassroomRunnerResult of(Verdict verdict) {
        return of(verdict, verdict.checks().stream().filter(c -> !c.is(Status.NOT_APPLICABLE)).toList(), verdict.maxScore());
    }

    /**
     * One runner per check that carries XP, named {@code task1check1}, {@code task1check2}, … in
     * lesson order, each worth the check's whole share: the workflow hands them all to the reporter,
     * whose table and whose points then both add up to the grader's score.
     */
    public static Map<String, ClassroomRunnerResult> runners(Verdict verdict) {
        Map<String, ClassroomRunnerResult> runners = new LinkedHashMap<>();
        for (Part part : verdict.lesson().tasks()) {
            List<CheckResult> checks = verdict.in(part).stream().filter(c -> !c.is(Status.NOT_APPLICABLE)).toList();
            for (int i = 0; i < checks.size(); i++) {
                runners.put("task" + part.task() + "check" + (i + 1),
                        of(verdict, List.of(checks.get(i)), Shares.maxScore(verdict, checks.get(i))));
            }
        }
        return runners;
    }

    private static ClassroomRunnerResult of(Verdict verdict, List<CheckResult> checks, int maxScore) {
        boolean compiled = verdict.checks().stream().noneMatch(CheckResult::isSetupFailure);
        List<Test> tests = checks.stream().map(check -> new Test(
                Shares.name(check),
                Shares.earns(verdict, check) ? "pass" : compiled ? "fail" : "error",
                Shares.score(verdict, check),
                Shares.message(verdict, check),
                0,
                "")).toList();
        String status = !compiled ? "error" : tests.stream().allMatch(t -> t.status().equals("pass")) ? "pass" : "fail";
        return new ClassroomRunnerResult(1, status, maxScore, tests);
    }
}
