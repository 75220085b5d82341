package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.checks.Task6FixtureChecks;
import dev.echokit.grader.cli.LessonCommand;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.report.ClassroomRunnerResult;
import dev.echokit.grader.report.Console;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** A lesson with one more part is graded by the same program: the part is its definition and its check class, nothing else. */
@Tag("selftest")
@DisplayName("A lesson with an extra part")
@ExtendWith(SelfTestCondition.class)
class LessonFixtureTest {

    private static final Path KIT = SelfTestPaths.KIT;

    static final Lesson WITH_TASK_6 = ConnectionLimits.LESSON.withPartAfter("task:5",
            Part.task(6, "Task 6 — Fixture", 10)
                    .relyingOn(Behaviour.ECHOES, Behaviour.TAKES_THE_OPTION)
                    .checkedBy(Task6FixtureChecks.class));

    @Test
    @DisplayName("the program grades the extra part: the summary lists it, out of 60, and JSON, Gradescope and Classroom agree")
    void gradesTheExtraPart() throws Exception {
        Verdict verdict = Grader.grade(Grader.Request.of("lesson-solution", KIT, KIT.resolve("grader/target/selftest/lesson-fixture"))
                .lesson(WITH_TASK_6).groups(List.of("task:6")));
        Part six = WITH_TASK_6.part("task:6").orElseThrow();

        assertThat(verdict.in(six)).hasSize(2);
        assertThat(verdict.part(six).orElseThrow().passed()).isEqualTo(1);
        assertThat(verdict.part(six).orElseThrow().failed()).isEqualTo(1);
        assertThat(verdict.maxScore()).isEqualTo(60);
        assertThat(verdict.score()).isEqualTo(5);

        String summary = Console.summary(verdict, Optional.empty(), Optional.empty());
        assertThat(summary).contains("Task 6 — Fixture").contains("5/10").contains("5/60");
        assertThat(summary.indexOf("Task 5 —")).isLessThan(summary.indexOf("Task 6 —"));
        assertThat(summary.indexOf("Task 6 —")).isLessThan(summary.indexOf("Architecture rules"));

        JsonNode json = JsonReport.mapper().readTree(JsonReport.toJson(verdict));
        assertThat(json.path("score").asInt()).isEqualTo(5);
        assertThat(json.path("maxScore").asInt()).isEqualTo(60);

        GradescopeResults gradescope = GradescopeResults.of(verdict, summary, 1);
        assertThat(gradescope.tests().stream().filter(t -> t.name().startsWith("Task 6: ")).mapToInt(GradescopeResults.Test::score).sum())
                .isEqualTo(5);
        assertThat(gradescope.tests().stream().mapToInt(GradescopeResults.Test::score).sum()).isEqualTo(verdict.score());

        var runners = ClassroomRunnerResult.runners(verdict);
        assertThat(runners).containsKeys("task6check1", "task6check2");
        assertThat(runners.values().stream().mapToInt(r -> r.tests().stream().mapToInt(ClassroomRunnerResult.Test::score).sum()).sum())
                .isEqualTo(verdict.score());
    }

    @Test
    @DisplayName("the extra part runs after task 5 and before the architecture rules, and names what it relies on")
    void theDefinitionPlacesIt() {
        assertThat(WITH_TASK_6.checkClasses()).containsSubsequence(Parts.LESSON.partOf(Parts.TASK_5.checkClass().orElseThrow()).checkClass().orElseThrow(),
                Task6FixtureChecks.class, Parts.ARCHITECTURE.checkClass().orElseThrow());
        assertThat(WITH_TASK_6.maxXp()).isEqualTo(Parts.LESSON.maxXp() + 10);
        assertThat(LessonCommand.render(WITH_TASK_6)).contains("Task 6 — Fixture   [task:6]   10 XP")
                .contains("relies on:   echo (");
    }
}
