package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A refusal that holds what it should let go, seen where only Linux can see it: a refused channel
 * kept registered with the selector until its client hangs up answers every client correctly, and
 * only the server's descriptor count (/proc) shows the cost. The catalogue is graded as on a
 * portable platform, so this one is graded here, on the machine's own.
 */
@Tag("selftest")
@DisplayName("Refusals that hold descriptors")
@ExtendWith(SelfTestCondition.class)
class RefusalSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;

    @Test
    @DisplayName("a refused channel kept registered until its client hangs up fails task 3 alone, counted in /proc")
    void refusedChannelKeptRegistered() throws Exception {
        Assumptions.assumeTrue(Platform.detect().procFs(), "needs Linux's /proc");
        Catalogue.Broken kept = new Catalogue.Broken("keeps-refused-registered", "keeps the refused channel registered until its client goes",
                Catalogue.SERVER,
                "            channel.shutdownOutput();\n            drainBriefly(channel);\n        } catch (IOException e) {\n"
                        + "            // The client is already gone; there is nobody left to tell.\n        } finally {\n"
                        + "            closeQuietly(channel);\n        }",
                "            channel.shutdownOutput();\n"
                        + "            channel.register(selector, SelectionKey.OP_READ, new Connection(channel, peerOf(channel), c -> { }));\n"
                        + "        } catch (IOException e) {\n            closeQuietly(channel);\n        }",
                Set.of(), Set.of(), null, null);
        Path dir = Catalogue.materialise(kept, KIT.resolve("lesson-solution/src/main/java"), WORK.resolve("refusal/kept"));
        Verdict verdict = Grader.grade(Grader.Request.of(dir.toString(), KIT, WORK.resolve("refusal/kept-work")));
        List<CheckResult> failed = verdict.with(Status.FAILED);
        assertThat(failed).singleElement().satisfies(c -> {
            assertThat(c.part()).isEqualTo(Parts.TASK_3);
            assertThat(c.message()).contains("more: the server still holds the refused connections").contains("open descriptors");
        });
        assertThat(verdict.with(Status.NEEDS_TASK)).isEmpty();
        assertThat(verdict.score()).isEqualTo(47);
    }
}
