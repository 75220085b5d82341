package dev.echokit.grader.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The limit a Java server's OutOfMemoryError names, read from the JVM's own line. */
@Tag("selftest")
@DisplayName("A Java server's OutOfMemoryError names the limit it reached")
@ExtendWith(SelfTestCondition.class)
class LimitsTest {

    @Test
    @DisplayName("a full heap is the heap; a thread the kernel refused is the count of processes and threads")
    void heapAndThreadsAreTold() {
        Limits limits = Limits.DEFAULT;
        assertThat(limits.outOfMemory("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", true).sentence())
                .isEqualTo("the server ended after an OutOfMemoryError: it ran out of memory (a Java server's heap is capped at 256 MiB)");
        String thread = "Exception in thread \"main\" java.lang.OutOfMemoryError: unable to create native thread: possibly out of"
                + " memory or process/resource limits reached";
        assertThat(limits.outOfMemory(thread, true).what()).isEqualTo("it reached 512 processes and threads at once, as many as its user may run");
        assertThat(limits.outOfMemory(thread, false).what()).doesNotContain("heap").contains("could not start another thread");
    }
}
