package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.ClassroomRunnerResult;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One score everywhere: the grader, Gradescope's and PrairieLearn's tests and GitHub Classroom's own reporter agree, to the point. */
@Tag("selftest")
@DisplayName("One score everywhere")
@ExtendWith(SelfTestCondition.class)
class ScoreAgreementTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    /** How many checks each task has today: 4, 3, 4, 1, 6 (the synthetic verdicts below take the same shape). */
    private static final int[] CHECKS = {4, 3, 4, 1, 6};

    @BeforeAll
    static void needsNode() {
        Assumptions.assumeTrue(ScoreAgreement.nodeAvailable(), "needs Node.js to run GitHub Classroom's reporter; .ci/run installs it");
    }

    @Test
    @DisplayName("the harness catches a disagreement: the old fractional shares make the reporter print 50.01000000000001 for the solution")
    void harnessCatchesFractionalShares() throws Exception {
        Map<String, String> runners = new LinkedHashMap<>();
        for (int task = 1; task <= 5; task++) {
            double share = Math.round(10.0 / CHECKS[task - 1] * 100) / 100.0; // the grader's old per-check share
            String tests = java.util.stream.IntStream.range(0, CHECKS[task - 1]).mapToObj(i -> "{\"name\":\"c" + i
                    + "\",\"status\":\"pass\",\"score\":" + share + ",\"message\":\"\",\"line_no\":0,\"test_code\":\"\"}")
                    .collect(Collectors.joining(","));
            runners.put("task" + task, "{\"version\":1,\"status\":\"pass\",\"max_score\":10,\"tests\":[" + tests + "]}");
        }
        ScoreAgreement.Reported reported = ScoreAgreement.runReporter(runners, WORK.resolve("score-agreement/old-shares"));
        assertThat(reported.points()).isEqualTo("50.01000000000001");
        assertThat(reported.maxPoints()).isEqualTo("50");
    }

    @Test
    @DisplayName("every mix of passed, failed, needs-task and not-run checks scores the same on Gradescope, on PrairieLearn, in the reporter and in the grader")
    void syntheticVerdictsAgree() throws Exception {
        Random random = new Random(21);
        List<String> wrong = new ArrayList<>();
        Status[] statuses = {Status.PASSED, Status.PASSED, Status.FAILED, Status.NEEDS_TASK, Status.NOT_RUN};
        for (int round = 0; round < 12; round++) {
            List<CheckResult> checks = new ArrayList<>();
            checks.add(new CheckResult("echo", Parts.ECHO, Status.PASSED, null, "", 1, null));
            for (Part part : Parts.LESSON.tasks()) {
                for (int i = 0; i < CHECKS[part.task() - 1]; i++) {
                    Status status = round == 0 ? Status.PASSED : statuses[random.nextInt(statuses.length)];
                    checks.add(new CheckResult(part.shortName() + " check " + i, part, status,
                            status == Status.NEEDS_TASK ? Parts.TASK_1 : null, status == Status.PASSED ? "" : "needs task 1: why", 1, null, i));
                }
            }
            Verdict verdict = new Verdict("synthetic " + round, "header", checks);
            if (round == 0) {
                assertThat(verdict.score()).isEqualTo(Parts.LESSON.maxXp());
            }
            ScoreAgreement.check("synthetic " + round + " (" + verdict.score() + ")", verdict, WORK.resolve("score-agreement/synthetic-" + round), wrong);
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    @DisplayName("a check that needs another task says \"not judged\" in its name and its output, on Gradescope and in Classroom's runner")
    void notJudgedSaysSo() {
        Verdict verdict = new Verdict("x", "header", List.of(
                new CheckResult("refusal line", Parts.TASK_3, Status.NEEDS_TASK, Parts.TASK_1, "needs task 1: no option", 1, null),
                new CheckResult("option", Parts.TASK_1, Status.FAILED, null, "[task 1] expected …", 1, null)));
        GradescopeResults.Test test = GradescopeResults.of(verdict, "", 0).tests().stream()
                .filter(t -> t.name().startsWith("Task 3")).findFirst().orElseThrow();
        assertThat(test.name()).isEqualTo("Task 3: refusal line (not judged: needs task 1)");
        assertThat(test.output()).startsWith("Not judged: ").contains("needs task 1: no option");
        GradescopeResults.Test failed = GradescopeResults.of(verdict, "", 0).tests().stream()
                .filter(t -> t.name().startsWith("Task 1")).findFirst().orElseThrow();
        assertThat(failed.name()).doesNotContain("not judged");
        assertThat(failed.output()).doesNotContain("Not judged");
        ClassroomRunnerResult runner = ClassroomRunnerResult.runners(verdict).get("task3check1");
        assertThat(runner.tests().get(0).name()).contains("(not judged: needs task 1)");
        assertThat(runner.maxScore()).isEqualTo(10);
    }

    // Real servers: the catalogue's self-test (GraderSelfTest) checks every broken server and the solution
    // with ScoreAgreement as it grades them, so they are graded once, not again here.
}
