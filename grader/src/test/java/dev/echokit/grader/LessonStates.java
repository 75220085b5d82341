package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The states a learner passes through, built with the kit's own "starter plus task N" machinery
 * ({@link TaskWork}): the starter with tasks 1..k done, for k = 0..5, under target/states. The bench
 * (grader/bench/run.sh) grades each; here they are only built and the last checked to be the solution.
 */
@Tag("selftest")
@DisplayName("The lesson's states, for the bench")
@ExtendWith(SelfTestCondition.class)
class LessonStates {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;

    @Test
    @DisplayName("the starter with tasks 1..k done, for every k, is written under target/states")
    void writesTheStates() throws Exception {
        Path solution = KIT.resolve("lesson-solution/src/main/java");
        TaskWork work = TaskWork.read(KIT.resolve("lesson-starter/src/main/java"), solution);
        for (int k = 0; k <= 5; k++) {
            Set<Integer> done = IntStream.rangeClosed(1, k).boxed().collect(Collectors.toCollection(TreeSet::new));
            Path dir = WORK.resolve("states/tasks-1-to-" + k);
            Catalogue.deleteRecursively(dir);
            work.write(done, dir);
        }
        assertThat(WORK.resolve("states/tasks-1-to-5/src/main/java/" + Catalogue.SERVER)).hasSameTextualContentAs(solution.resolve(Catalogue.SERVER));
    }
}
