package dev.echokit.grader.process;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("selftest")
@DisplayName("A running server's end")
@ExtendWith(SelfTestCondition.class)
class RunningServerTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;

    /**
     * A process that is exiting closes its output a moment before the JDK sees it gone (a JVM that
     * dies of an exception takes longer still). Here the moment is stretched to 300 ms: asked in
     * it, the server has ended on its own, with its exit code, never "still running".
     */
    @Test
    @DisplayName("a server whose output ended is waited for, and reported as ended with its exit code")
    void outputEndedMeansEnding() throws Exception {
        Platform platform = Platform.detect().containing(Containment.NONE).sharingNetwork();
        try (ServerFiles files = ServerFiles.create()) {
            Target target = Target.resolve("echo going; exec >&- 2>&-; sleep 0.3; exit 3 #", null, KIT, WORK.resolve("running-server"), platform, files);
            try (RunningServer server = RunningServer.start(target, List.of(), null)) {
                assertThat(server.log().await(line -> false, 1, Duration.ofSeconds(10))).isFalse(); // returns when the output ends
                assertThat(server.isAlive()).as("still in its sleep").isTrue();
                assertThat(server.endedOnItsOwn()).hasValueSatisfying(ending -> assertThat(ending.exitCode()).isEqualTo(3));
            }
        }
    }
}
