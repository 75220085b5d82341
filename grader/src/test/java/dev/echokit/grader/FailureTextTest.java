package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.feedback.FailureText;
import dev.echokit.grader.feedback.Feedback;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A failure is worded once: the console's layout and the message's (JSON, Gradescope) carry the same labels. */
@Tag("selftest")
@ExtendWith(SelfTestCondition.class)
class FailureTextTest {

    @Test
    @DisplayName("the console's column and the message use the same words for every field")
    void sameWordsInEveryLayout() {
        Feedback f = Feedback.forPart(ConnectionLimits.LESSON, Parts.TASK_1)
                .expected("a line").did("connected").got("nothing").hint("write it").error().feedback();
        List<FailureText.Entry> entries = FailureText.of(f);
        String column = String.join("\n", FailureText.aligned(entries, "  "));
        String message = FailureText.message(Parts.TASK_1, entries);
        for (FailureText.Field field : List.of(FailureText.Field.DID, FailureText.Field.GOT, FailureText.Field.HINT)) {
            assertThat(column).contains(field.label());
            assertThat(message).contains(field.label());
        }
        assertThat(column).contains("  what the server did:  nothing");
        assertThat(message).startsWith("[task 1] expected a line").contains("  what the server did: nothing")
                .isEqualTo(f.message());
    }
}
