package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.echokit.grader.Grader;
import dev.echokit.grader.Part;
import dev.echokit.grader.Status;
import java.util.List;

/**
 * The result format GitHub Classroom's {@code autograding-grading-reporter} reads from a runner
 * step. The reporter scores a runner as (tests passed / tests) × max_score, whatever each test's
 * own score says; so the grader writes one runner per task, each worth the task's 10 XP, and its
 * points add up to the grader's XP (to a fraction: the grader rounds each task down).
 */
public record ClassroomRunnerResult(
        int version,
        String status,
        @JsonProperty("max_score") double maxScore,
        List<Test> tests) {

    /** One check. */
    public record Test(
            String name,
            String status,
            double score,
            String message,
            @JsonProperty("line_no") int lineNo,
            @JsonProperty("test_code") String testCode) {
    }

    /** Every check of the run, worth 50 in all. */
    public static ClassroomRunnerResult of(Verdict verdict) {
        return of(verdict, verdict.checks().stream().filter(c -> !c.is(Status.NOT_APPLICABLE)).toList(), verdict.maxScore());
    }

    /** One part's checks, worth that part's XP: the runner for that part's workflow step. */
    public static ClassroomRunnerResult of(Verdict verdict, Part part) {
        return of(verdict, verdict.in(part).stream().filter(c -> !c.is(Status.NOT_APPLICABLE)).toList(), part.xp());
    }

    private static ClassroomRunnerResult of(Verdict verdict, List<CheckResult> checks, double maxScore) {
        boolean compiled = verdict.checks().stream().noneMatch(Grader::isSetupFailure);
        List<Test> tests = checks.stream().map(check -> new Test(
                Shares.label(check.part()) + ": " + check.name(),
                check.is(Status.PASSED) ? "pass" : compiled ? "fail" : "error",
                Shares.score(verdict, check),
                Shares.message(check),
                0,
                "")).toList();
        String status = !compiled ? "error" : tests.stream().allMatch(t -> t.status().equals("pass")) ? "pass" : "fail";
        return new ClassroomRunnerResult(1, status, maxScore, tests);
    }
}
