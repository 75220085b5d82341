package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.cli.GraderCommand;
import dev.echokit.grader.intake.NotGraded;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Gradescope's command without a bundle: what nothing to grade leaves in results.json, worded by NotGraded. */
@Tag("selftest")
@ExtendWith(SelfTestCondition.class)
class GradescopeCommandTest {

    @Test
    @DisplayName("no submission folder: results.json scores 0 and says why in NotGraded's words")
    void nothingToGrade(@TempDir Path root) throws Exception {
        int exit = GraderCommand.commandLine().execute("gradescope", "--root", root.toString());
        assertThat(exit).isZero();
        JsonNode results = dev.echokit.grader.report.JsonReport.mapper().readTree(root.resolve("results/results.json").toFile());
        assertThat(results.get("score").asDouble()).isZero();
        assertThat(results.get("output").asString())
                .contains(NotGraded.because("there is no submission folder").forLearner())
                .contains("Not graded: there is no submission folder.");
        Files.walk(root).forEach(p -> p.toFile().setWritable(true)); // closed to servers: let the TempDir go
    }

    @Test
    @DisplayName("not graded and grader error each have their words, in one place")
    void words() {
        assertThat(NotGraded.because("no submission").words()).isEqualTo("not graded: no submission");
        assertThat(NotGraded.because("no submission").forLearner()).isEqualTo("Not graded: no submission.");
        assertThat(NotGraded.graderError("disk full").words()).isEqualTo("grader error: disk full");
        assertThat(NotGraded.graderError("disk full").forLearner()).startsWith("Not graded: the grader could not grade this submission (disk full)");
    }
}
