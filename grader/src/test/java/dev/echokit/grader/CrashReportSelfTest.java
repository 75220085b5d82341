package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a server ended is told from what was observed: a Java exception with the learner's own
 * frame, a signal by name, and a server that is alive but not listening never called dead.
 */
@Tag("selftest")
@DisplayName("Crashes are reported as observed")
@ExtendWith(SelfTestCondition.class)
class CrashReportSelfTest {

    private static final Path KIT = Path.of(System.getProperty("grader.kitRoot", "..")).toAbsolutePath().normalize();
    private static final Path WORK = Path.of(System.getProperty("grader.workDir", "target")).toAbsolutePath();
    private static final Path SERVERS = Path.of("src/test/resources/servers").toAbsolutePath();

    @Test
    @DisplayName("a Java server that throws in its loop: the exception's first line and the learner's own line, never 'still running'")
    void javaExceptionInTheLoop() throws Exception {
        // A refused channel left registered with the selector: when its client goes, the loop meets a key with no Connection.
        Catalogue.Broken registered = new Catalogue.Broken("refused-left-registered", "registers the refused channel", Catalogue.SERVER,
                "            channel.shutdownOutput();\n            drainBriefly(channel);\n        } catch (IOException e) {\n"
                        + "            // The client is already gone; there is nobody left to tell.\n        } finally {\n"
                        + "            closeQuietly(channel);\n        }",
                "            channel.shutdownOutput();\n            channel.register(selector, SelectionKey.OP_READ);\n"
                        + "        } catch (IOException e) {\n            closeQuietly(channel);\n        }",
                Set.of(), Set.of(), null, null);
        Path dir = Catalogue.materialise(registered, KIT.resolve("lesson-solution/src/main/java"), WORK.resolve("crash/java"));
        List<String> failures = failures(Grader.grade(Grader.Request.of(dir.toString(), KIT, WORK.resolve("crash/java-work"))));
        assertThat(failures).anySatisfy(m -> assertThat(m).contains("java.lang.NullPointerException")
                .contains("src/main/java/dev/echokit/server/EchoServer.java:").contains("((Connection) key.attachment()).handle(key, readBuffer);")
                .contains("the server crashed with java.lang.NullPointerException in EchoServer.serve, line "));
        assertThat(failures).noneMatch(m -> m.contains("still running"));
    }

    @Test
    @DisplayName("a C server killed by SIGPIPE: the signal by name, and what it means")
    void commandKilledBySigpipe() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "needs gcc (.ci/run installs it)");
        Path binary = WORK.resolve("crash/sigpipe-poll");
        Files.createDirectories(binary.getParent());
        Process cc = new ProcessBuilder("/usr/bin/gcc", "-O1", "-o", binary.toString(), SERVERS.resolve("sigpipe-poll.c").toString())
                .redirectErrorStream(true).start();
        assertThat(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0).as(new String(cc.getInputStream().readAllBytes())).isTrue();
        Verdict verdict = Grader.grade(Grader.Request.of(null, KIT, WORK.resolve("crash/c-work")).command(binary.toString())
                .groups(List.of("task:5")));
        assertThat(failures(verdict)).anySatisfy(m -> assertThat(m).contains("killed by SIGPIPE (exit code 141)").contains("MSG_NOSIGNAL"));
    }

    @Test
    @DisplayName("a server that closes its listener while full is never called dead: tasks 1, 2 and 5 pass, task 3 fails on what it saw")
    void closesItsListenerWhenFull() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3 (.ci/run installs it)");
        Verdict verdict = Grader.grade(Grader.Request.of(null, KIT, WORK.resolve("crash/py-work"))
                .command("/usr/bin/python3 " + SERVERS.resolve("closes-listener-when-full.py")));
        for (var part : List.of(Parts.ECHO, Parts.TASK_1, Parts.TASK_2, Parts.TASK_5)) {
            assertThat(verdict.in(part)).as(part.shortName()).allMatch(c -> !c.is(Status.FAILED) && !c.is(Status.NEEDS_TASK));
        }
        assertThat(verdict.part(Parts.TASK_5).orElseThrow().xp()).isEqualTo(10);
        // It never accepts a client past the limit: task 3 says so, and task 4 has no refusal to judge.
        List<String> failures = failures(verdict);
        assertThat(failures).singleElement().satisfies(m -> assertThat(m).contains("the connection was refused")
                .contains("keeps its listening socket open").doesNotContain("exited").doesNotContain("killed by").doesNotContain("crashed"));
        assertThat(verdict.in(Parts.TASK_4)).allMatch(c -> c.is(Status.NEEDS_TASK) && c.needs().equals(Parts.TASK_3));
    }

    private static List<String> failures(Verdict verdict) {
        return verdict.checks().stream().filter(c -> c.is(Status.FAILED)).map(CheckResult::message).toList();
    }
}
