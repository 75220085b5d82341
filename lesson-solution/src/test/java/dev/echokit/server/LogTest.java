package dev.echokit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The log holds lines only for the loop's own turn: a line logged from another thread (a learner's
 * refusal on a new Thread, say) reaches standard error at once, while the loop still waits in select().
 */
@DisplayName("The log")
class LogTest {

    /** The child process: its main thread plays the loop (it flushed once, then waits), another thread logs. */
    static final class LoopWaitsWhileAnotherThreadLogs {
        public static void main(String[] args) throws InterruptedException {
            Log.flush(); // the loop's turn ends: from now on this thread is the loop
            Log.info("from the loop, held until its turn ends");
            Thread other = new Thread(() -> Log.info("from another thread"));
            other.start();
            other.join();
            // The loop waits in select() for 60 s; only the line from the other thread may wake the log.
            new CountDownLatch(1).await(60, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("a line logged from another thread appears within a second while the loop waits")
    void anotherThreadsLineIsNotHeld() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LoopWaitsWhileAnotherThreadLogs.class.getName())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<List<String>> twoLines = CompletableFuture.supplyAsync(() -> {
                try {
                    return List.of(String.valueOf(err.readLine()), String.valueOf(err.readLine()));
                } catch (java.io.IOException e) {
                    return List.of("read failed: " + e);
                }
            });
            List<String> lines;
            try {
                // The child's JVM start-up is most of this; the log itself adds no wait at all.
                lines = twoLines.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the line logged from another thread did not appear within 20 s while the loop waited");
            }
            assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} from the loop, held until its turn ends");
            assertThat(lines.get(1)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} from another thread");
            assertThat(child.isAlive()).as("the loop was still waiting when the line came").isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
