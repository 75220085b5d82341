package dev.echokit.grader.checks;

import dev.echokit.grader.lesson.Behaviour;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a check of the lesson: the check class of the extra part {@code LessonFixtureTest} adds to
 * the lesson, one check that passes and one that fails, to show a part is the definition and its class.
 */
@Tag("task:6")
@DisplayName("Task 6 — Fixture")
@ExtendWith(GraderExtension.class)
public class Task6FixtureChecks {

    @Test
    @DisplayName("the server starts with --max-clients 2")
    void starts(Grading grading) throws Exception {
        try (var server = grading.serve(grading.part(), "--max-clients", "2")) {
            // started and listening: that is all this fixture asks
        }
    }

    @Test
    @DisplayName("a check that always fails, once what it relies on works")
    void alwaysFails(Grading grading) {
        throw grading.blame(grading.part(), grading.feedback(grading.part(), null)
                .expected("nothing: this check always fails").got("the fixture's failure"), Behaviour.TAKES_THE_OPTION);
    }
}
