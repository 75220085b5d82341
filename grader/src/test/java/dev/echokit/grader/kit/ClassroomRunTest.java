package dev.echokit.grader.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Instructor mode: {@code ./mvnw -q -pl grader test -Dgrader.classroom=/path/to/submissions}
 * grades every submission folder and writes grader/target/classroom/results.csv and results.md.
 */
@Tag("classroom")
@DisplayName("Classroom")
@EnabledIfSystemProperty(named = "grader.classroom", matches = ".+")
class ClassroomRunTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.HOURS) // a whole class; every check inside is bounded on its own
    @DisplayName("grade every submission in the folder")
    void gradeTheClass() throws Exception {
        Path submissions = Path.of(System.getProperty("grader.classroom")).toAbsolutePath();
        assertThat(submissions).as("the submissions folder").isDirectory();
        Path out = Path.of(System.getProperty("grader.workDir", "target")).resolve("classroom");
        int parallel = Integer.getInteger("grader.parallel", 2);
        long start = System.nanoTime();
        List<Classroom.Row> rows = Classroom.gradeAll(submissions, out, parallel);
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        System.out.println();
        System.out.println("EchoKit classroom — " + rows.size() + " submissions from " + submissions
                + " in " + seconds + " s (" + parallel + " at a time)");
        System.out.println(Classroom.text(rows));
        System.out.println("  table: " + out.resolve("results.md") + "\n  csv:   " + out.resolve("results.csv"));
        assertThat(Files.exists(out.resolve("results.csv"))).isTrue();
    }
}
