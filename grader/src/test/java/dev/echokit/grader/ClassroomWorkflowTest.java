package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.ClassroomRunnerResult;
import dev.echokit.grader.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Classroom workflow against the lesson's definition: it hands on whatever runners the grader
 * writes, so it must name none itself, and the runners are one per task check, adding up to the lesson's XP.
 */
@Tag("selftest")
@DisplayName("The Classroom workflow")
@ExtendWith(SelfTestCondition.class)
class ClassroomWorkflowTest {

    private static final Path KIT = SelfTestPaths.KIT;

    @Test
    @DisplayName("names no runner and no points of its own: the grader's files, made from the definition, are the runners")
    void takesItsRunnersFromTheGrader() throws Exception {
        String workflow = Files.readString(KIT.resolve(".github/workflows/classroom.yml"));
        assertThat(workflow).doesNotContainPattern("task\\d+check\\d+").doesNotContainPattern("max-score|max_score")
                .contains("grader/target/autograding/*.json").contains("runners: ${{ steps.grade.outputs.runners }}");
    }

    @Test
    @DisplayName("one runner per task check, named after its task, worth the lesson's XP together")
    void runnersFollowTheDefinition() {
        Lesson lesson = ConnectionLimits.LESSON;
        List<CheckResult> checks = new ArrayList<>();
        for (Part part : lesson.parts()) {
            for (int i = 1; i <= 3; i++) {
                checks.add(new CheckResult(part.shortName() + " check " + i, part, Status.PASSED, null, "", 1, null, i));
            }
        }
        Map<String, ClassroomRunnerResult> runners = ClassroomRunnerResult.runners(new Verdict("x", "header", checks));
        List<String> expected = new ArrayList<>();
        lesson.tasks().forEach(task -> {
            for (int i = 1; i <= 3; i++) {
                expected.add("task" + task.task() + "check" + i);
            }
        });
        assertThat(runners.keySet()).containsExactlyElementsOf(expected);
        assertThat(runners.values().stream().mapToInt(ClassroomRunnerResult::maxScore).sum()).isEqualTo(lesson.maxXp());
    }
}
