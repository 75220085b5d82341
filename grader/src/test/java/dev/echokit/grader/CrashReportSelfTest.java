package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.classroom.Classroom;
import dev.echokit.grader.classroom.Graded;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.OutputStream;
import java.io.PrintStream;
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

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path SERVERS = Path.of("src/test/resources/servers").toAbsolutePath();

    @Test
    @DisplayName("a Java server that throws in its loop: the exception's first line and the learner's own line, never 'still running', the same part blamed in 5 of 5 gradings")
    void javaExceptionInTheLoop() throws Exception {
        // A refused channel left registered with the selector: when its client goes, the loop meets a key with no Connection.
        Catalogue.Broken registered = new Catalogue.Broken("refused-left-registered", "registers the refused channel", Catalogue.SERVER,
                "            channel.shutdownOutput();\n            drainBriefly(channel);\n        } catch (IOException e) {\n"
                        + "            // The client is already gone; there is nobody left to tell.\n        } finally {\n"
                        + "            closeQuietly(channel);\n        }",
                "            channel.shutdownOutput();\n            channel.register(selector, SelectionKey.OP_READ);\n"
                        + "        } catch (IOException e) {\n            closeQuietly(channel);\n        }",
                Set.of(), Set.of(), null, null);
        Path submissions = WORK.resolve("crash/java");
        Catalogue.deleteRecursively(submissions);
        for (int copy = 1; copy <= 5; copy++) {
            Catalogue.materialise(registered, KIT.resolve("lesson-solution/src/main/java"), submissions.resolve("copy-" + copy));
        }
        List<Graded> rows = Classroom.gradeAll(submissions, KIT, WORK.resolve("crash/java-work"), 2,
                new PrintStream(OutputStream.nullOutputStream()), Platform.detect().sharingNetwork());
        assertThat(rows).hasSize(5);
        for (Graded row : rows) {
            List<String> failures = failures(row.verdict());
            assertThat(failures).as(row.row().submission()).anySatisfy(m -> assertThat(m).contains("java.lang.NullPointerException")
                    .contains("src/main/java/dev/echokit/server/EchoServer.java:").contains("((Connection) key.attachment()).handle(key, readBuffer);")
                    .contains("the server crashed with java.lang.NullPointerException in EchoServer.serve, line "));
            assertThat(failures).noneMatch(m -> m.contains("still running"));
        }
        // The crash follows each refusal, when the refused client goes: the refusal's task carries it, every run.
        assertThat(rows).extracting(r -> failedParts(r.verdict())).containsOnly(Set.of(Parts.TASK_3));
    }

    @Test
    @DisplayName("a C server killed by SIGPIPE: the signal by name and what it means, the same part blamed in 5 of 5 gradings")
    void commandKilledBySigpipe() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "needs gcc (.ci/run installs it)");
        Path binary = WORK.resolve("crash/sigpipe-poll");
        Files.createDirectories(binary.getParent());
        Process cc = new ProcessBuilder("/usr/bin/gcc", "-O1", "-o", binary.toString(), SERVERS.resolve("sigpipe-poll.c").toString())
                .redirectErrorStream(true).start();
        assertThat(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0).as(new String(cc.getInputStream().readAllBytes())).isTrue();
        List<Set<Part>> blamed = new java.util.ArrayList<>();
        for (int run = 1; run <= 5; run++) {
            Verdict verdict = Grader.grade(Grader.Request.of(null, KIT, WORK.resolve("crash/c-work-" + run)).command(binary.toString())
                    .on(Platform.detect().sharingNetwork()));
            assertThat(verdict.in(Parts.TASK_5)).as("run " + run).filteredOn(c -> c.is(Status.FAILED)).extracting(CheckResult::message)
                    .anySatisfy(m -> assertThat(m).contains("killed by SIGPIPE (exit code 141)").contains("MSG_NOSIGNAL"));
            // Its option parsing is atoi's: task 1 fails on that, in its own words, never on the signal.
            assertThat(verdict.in(Parts.TASK_1)).filteredOn(c -> c.is(Status.FAILED)).extracting(CheckResult::message)
                    .allSatisfy(m -> assertThat(m).contains("--max-clients").doesNotContain("SIGPIPE"));
            blamed.add(failedParts(verdict));
        }
        // A write to a client that has gone kills it: that is task 5's failed write, in every run.
        assertThat(blamed).containsOnly(Set.of(Parts.TASK_1, Parts.TASK_5));
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

    private static Set<Part> failedParts(Verdict verdict) {
        Set<Part> parts = new java.util.TreeSet<>();
        verdict.with(Status.FAILED).forEach(c -> parts.add(c.part()));
        return parts;
    }

    private static List<String> failures(Verdict verdict) {
        return verdict.checks().stream().filter(c -> c.is(Status.FAILED)).map(CheckResult::message).toList();
    }
}
