package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Correct servers written to the contract in other languages and styles, graded as a command the
 * way an instructor grades them (contained, as root in CI): each earns 50/50. A Node.js server once
 * scored 0/50, unable to read /etc/ssl inside the sandbox; a server with a process per client once
 * lost task 1 when the grader's limit on processes stopped it at 64.
 */
@Tag("selftest")
@DisplayName("Correct servers in other languages")
@ExtendWith(SelfTestCondition.class)
class OtherLanguagesSelfTest {

    private static final Path SERVERS = Path.of("src/test/resources/servers").toAbsolutePath();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Node.js net (one event loop), /usr/bin/node, echo-node.js", "Python selectors (one thread), /usr/bin/python3, echo-selectors.py",
            "Python with a process per client (fork), /usr/bin/python3, echo-fork.py"})
    @DisplayName("a correct server in another language earns 50/50")
    void earnsFullMarks(String style, String runtime, String file) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(runtime)), "needs " + runtime + " (.ci/run installs it)");
        Verdict verdict = Grader.grade(Grader.Request.of(null, SelfTestPaths.KIT, SelfTestPaths.WORK.resolve("other-languages/" + file))
                .command(runtime + " " + SERVERS.resolve(file)));
        assertThat(verdict.checks()).as(style).filteredOn(c -> c.is(Status.FAILED) || c.is(Status.NEEDS_TASK))
                .extracting(CheckResult::message).isEmpty();
        assertThat(verdict.score()).as(style).isEqualTo(50);
    }
}
