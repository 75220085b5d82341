package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.ClassroomRunnerResult;
import dev.echokit.grader.report.Console;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** 50/50 means done: a server that breaks an architecture rule never shows it, and every output agrees on the score. */
@Tag("selftest")
@DisplayName("The score")
@ExtendWith(SelfTestCondition.class)
class ScoreTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;

    private static List<CheckResult> allTasksPass() {
        List<CheckResult> checks = new ArrayList<>();
        for (Part part : Parts.LESSON.tasks()) {
            checks.add(new CheckResult(part.shortName() + " check", part, Status.PASSED, null, "", 1, null));
        }
        checks.add(new CheckResult("echo", Parts.ECHO, Status.PASSED, null, "", 1, null));
        return checks;
    }

    @Test
    @DisplayName("every task passed and every rule kept: 50/50, nothing taken off")
    void fullMarks() {
        List<CheckResult> checks = allTasksPass();
        checks.add(new CheckResult("the server starts no threads", Parts.ARCHITECTURE, Status.PASSED, null, "", 1, null));
        Verdict verdict = new Verdict("x", "header", checks);
        assertThat(verdict.score()).isEqualTo(50);
        assertThat(verdict.architecturePenalty()).isZero();
        assertThat(Console.summary(verdict, Optional.empty(), Optional.empty())).contains("50/50").doesNotContain("XP off");
    }

    @Test
    @DisplayName("every task passed but a rule broken (twice): 40/50 in the summary, the JSON, Gradescope and Classroom, and the summary says which rule")
    void brokenRuleCostsTenOnce() throws Exception {
        List<CheckResult> checks = allTasksPass();
        checks.add(new CheckResult("the server starts no threads", Parts.ARCHITECTURE, Status.FAILED, null, "threads", 1, null));
        checks.add(new CheckResult("the server never sleeps", Parts.ARCHITECTURE, Status.FAILED, null, "sleeps", 1, null));
        checks.add(new CheckResult("only the command class depends on picocli", Parts.ARCHITECTURE, Status.PASSED, null, "", 1, null));
        Verdict verdict = new Verdict("x", "header", checks);

        assertThat(verdict.tasksXp()).isEqualTo(50);
        assertThat(verdict.architecturePenalty()).isEqualTo(Verdict.ARCHITECTURE_PENALTY).isEqualTo(10);
        assertThat(verdict.score()).isEqualTo(40);

        JsonNode json = JsonReport.mapper().readTree(JsonReport.toJson(verdict));
        assertThat(json.get("score").asInt()).isEqualTo(40);
        assertThat(json.get("architecturePenalty").asInt()).isEqualTo(10);

        String summary = Console.summary(verdict, Optional.empty(), Optional.empty());
        assertThat(summary.lines().filter(l -> l.strip().startsWith("total")).findFirst().orElseThrow())
                .contains("40/50").contains("10 XP off").contains("breaks 2 architecture rules").contains("takes them from task 5, the task with the most XP")
                .contains("as no task's own code was found to break them")
                .contains("\"the server starts no threads\"").contains("\"the server never sleeps\"");
        assertThat(summary.lines().filter(l -> l.strip().startsWith("Architecture rules")).findFirst().orElseThrow())
                .contains("1/3 passed").endsWith("-10");
        assertThat(summary).doesNotContain("50/50");

        // Every surface that scores check by check adds up to the same 40: the charged task's checks earn nothing there.
        assertThat(verdict.chargedTask()).contains(Parts.TASK_5);
        GradescopeResults gradescope = GradescopeResults.of(verdict, "", 0);
        assertThat(gradescope.tests().stream().mapToInt(GradescopeResults.Test::score).sum()).isEqualTo(40);
        assertThat(gradescope.tests()).filteredOn(t -> t.name().startsWith("Task 5: ")).isNotEmpty()
                .allSatisfy(t -> assertThat(t.status()).isEqualTo("failed"))
                .allSatisfy(t -> assertThat(t.output()).startsWith("Passed, but earns nothing: task 5 pays for a broken architecture rule"));
        assertThat(ClassroomRunnerResult.runners(verdict).values().stream()
                .mapToInt(r -> r.tests().stream().mapToInt(ClassroomRunnerResult.Test::score).sum()).sum()).isEqualTo(40);
    }

    @Test
    @DisplayName("the task that pays is the one that earned the most, so the penalty is a whole task's XP")
    void theRichestTaskPays() {
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult("option", Parts.TASK_1, Status.PASSED, null, "", 1, null));
        checks.add(new CheckResult("admit", Parts.TASK_2, Status.PASSED, null, "", 1, null));
        checks.add(new CheckResult("admit more", Parts.TASK_2, Status.FAILED, null, "no", 2, null));
        checks.add(new CheckResult("threads", Parts.ARCHITECTURE, Status.FAILED, null, "threads", 1, null));
        Verdict verdict = new Verdict("x", "header", checks);
        assertThat(verdict.chargedTask()).contains(Parts.TASK_1);
        assertThat(verdict.architecturePenalty()).isEqualTo(10);
        assertThat(verdict.score()).isEqualTo(verdict.tasksXp() - 10);
    }

    @Test
    @DisplayName("the penalty never takes more than the tasks earned")
    void neverBelowZero() {
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult("option", Parts.TASK_1, Status.FAILED, null, "no", 1, null));
        checks.add(new CheckResult("threads", Parts.ARCHITECTURE, Status.FAILED, null, "threads", 1, null));
        Verdict verdict = new Verdict("x", "header", checks);
        assertThat(verdict.score()).isZero();
        assertThat(verdict.architecturePenalty()).isZero();
    }

    @Test
    @DisplayName("graded for real: a server that refuses on a new Thread is right in every task and scores 40, the summary saying why")
    void threadedRefusalScoresForty() throws Exception {
        Catalogue.Broken threaded = new Catalogue.Broken("refuses-on-a-thread", "refuses each client on a new Thread", Catalogue.SERVER,
                "            if (clients >= maxClients) {\n                refuse(channel);\n",
                "            if (clients >= maxClients) {\n                SocketChannel refused = channel;\n"
                        + "                Thread refuser = new Thread(() -> refuse(refused));\n                refuser.start();\n"
                        + "                try {\n                    refuser.join();\n                } catch (InterruptedException e) {\n"
                        + "                    return;\n                }\n",
                java.util.Set.of(Parts.ARCHITECTURE), java.util.Set.of(), null, null);
        Path dir = Catalogue.materialise(threaded, KIT.resolve("lesson-solution/src/main/java"), WORK.resolve("selftest/score/refuses-on-a-thread"));
        Verdict verdict = Grader.grade(Grader.Request.of(dir.toString(), KIT, WORK.resolve("selftest/score/work"))
                .only(List.of("Task2Checks", "Task3Checks", "Task4Checks", "ArchitectureChecks")));
        assertThat(verdict.in(Parts.ARCHITECTURE)).filteredOn(c -> c.is(Status.FAILED)).extracting(CheckResult::name)
                .containsExactly("the server starts no threads");
        assertThat(verdict.in(Parts.TASK_3)).hasSize(4).allMatch(c -> c.is(Status.PASSED));
        assertThat(verdict.in(Parts.TASK_4)).hasSize(1).allMatch(c -> c.is(Status.PASSED));
        // The thread is started in acceptAll, task 2's method: task 2 pays, not the task with the most XP.
        assertThat(verdict.chargedTask()).contains(Parts.TASK_2);
        assertThat(verdict.chargedForItsCode()).isTrue();
        assertThat(verdict.architecturePenalty()).isEqualTo(10);
        assertThat(verdict.score()).isEqualTo(verdict.tasksXp() - 10);
        assertThat(JsonReport.mapper().readTree(JsonReport.toJson(verdict)).get("score").asInt()).isEqualTo(verdict.score());
        assertThat(Console.summary(verdict, Optional.empty(), Optional.empty())).contains("breaks an architecture rule")
                .contains("takes them from task 2, whose code breaks it");
    }
    @Test
    @DisplayName("a part's where-to-look lists each failure's places once: two broken rules point at both their lines")
    void whereToLookGathersEveryFailure() {
        List<CheckResult> checks = allTasksPass();
        var threads = dev.echokit.grader.feedback.Feedback.forPart(Parts.LESSON, Parts.ARCHITECTURE).did("read the classes")
                .expected("no threads").got("1 violation").at(List.of("Server.java:58  pool = Executors.newCachedThreadPool();")).error();
        var blocking = dev.echokit.grader.feedback.Feedback.forPart(Parts.LESSON, Parts.ARCHITECTURE).did("read the classes")
                .expected("no blocking sockets").got("1 violation").at(List.of("Server.java:71  new ServerSocket();")).error();
        checks.add(new CheckResult("the server starts no threads", Parts.ARCHITECTURE, Status.FAILED, null, "threads", 1, threads.feedback()));
        checks.add(new CheckResult("the server uses no blocking ServerSocket or Socket", Parts.ARCHITECTURE, Status.FAILED, null, "blocking", 1,
                blocking.feedback()));
        String text = Console.render(new Verdict("x", "header", checks), Optional.empty(), Optional.empty());
        assertThat(text).contains("where to look: Server.java:58").contains("                 Server.java:71  new ServerSocket();");
    }
}
