package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The short-lived JVMs' flags are one list: the pom's, and .mvn/jvm.config that Maven reads before any pom. */
@Tag("selftest")
@DisplayName("The JVM flags")
@ExtendWith(SelfTestCondition.class)
class JvmFlagsTest {

    private static final Path KIT = SelfTestPaths.KIT;

    @Test
    @DisplayName(".mvn/jvm.config holds the pom's grader.jvm.flags, which the test JVM runs with and the README shows")
    void oneListOfFlags() throws Exception {
        String flags = System.getProperty("grader.jvmFlags", "");
        assertThat(flags).isNotBlank();
        assertThat(Files.readString(KIT.resolve(".mvn/jvm.config")).strip()).isEqualTo(flags);
        assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                .containsAll(java.util.List.of(flags.split("\\s+")));
        assertThat(Files.readString(KIT.resolve("lessons/w02-l12-connection-limits/maintainers.md"))).contains("java " + flags + " -jar grader/target/grader.jar");
        assertThat(Files.readString(KIT.resolve("grader/src/gradescope/run_autograder"))).contains("jvm.config").doesNotContain("-XX:");
    }
}
