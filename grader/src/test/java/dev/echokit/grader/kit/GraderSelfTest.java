package dev.echokit.grader.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.checks.GradeReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The grader proves itself: the untouched starter fails exactly the lesson's tasks, and every
 * broken server in the catalogue is caught by the check meant for it. (That the solution passes
 * everything is the kit build's own grading run.)
 */
@Tag("selftest")
@DisplayName("The grader's self-test")
@ExtendWith(SelfTestCondition.class)
class GraderSelfTest {

    private static final Path KIT = Path.of(System.getProperty("grader.kitRoot", "..")).toAbsolutePath().normalize();
    private static final Path WORK = Path.of(System.getProperty("grader.workDir", "target")).toAbsolutePath();
    private static final Path GOLDEN = Path.of("src/test/resources/golden/starter-summary.txt");

    @Test
    @DisplayName("the untouched starter passes echo and architecture, fails every task check, and points at its TODOs")
    void starterFailsExactlyTheLessonTasks() throws IOException {
        GradeRun.Result result = GradeRun.grade(KIT.resolve("lesson-starter").toString(), WORK.resolve("selftest/starter"),
                Classroom.DEFAULT_CHECKS, false);

        List<String> wrong = new ArrayList<>();
        for (GradeReport.Check check : result.checks()) {
            boolean task = check.group().startsWith("task:");
            if (task && !check.status().equals("failed")) {
                wrong.add("expected to fail: " + check.group() + " " + check.name() + " (" + check.status() + ")");
            }
            if (!task && !check.status().equals("passed")) {
                wrong.add("expected to pass: " + check.group() + " " + check.name() + " (" + check.status() + "): " + check.message());
            }
            if (task && check.status().equals("failed")) {
                String n = check.group().substring(5);
                if (!check.message().contains("[task " + n + "]")) {
                    wrong.add("failure does not name task " + n + ": " + check.name());
                }
                if (!check.message().contains("lesson-starter/src/main/java/dev/echokit/server/")) {
                    wrong.add("failure does not point at a TODO(task " + n + ") line: " + check.name());
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(result.checks().stream().filter(c -> c.group().startsWith("task:")).map(GradeReport.Check::group).distinct())
                .containsExactlyInAnyOrder("task:1", "task:2", "task:3", "task:4", "task:5");

        String summary = normalise(result);
        if (Boolean.getBoolean("grader.updateGolden")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, summary);
        }
        assertThat(summary)
                .as("the starter's feedback changed; if that is intended, rerun with -Dgrader.updateGolden=true and commit %s", GOLDEN)
                .isEqualTo(Files.readString(GOLDEN));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // some 30 servers, each check inside bounded on its own
    @DisplayName("every broken server in the catalogue is caught by the check meant for it, and none outlives its check")
    void catalogueIsCaught() throws Exception {
        Path solution = KIT.resolve("lesson-solution/src/main/java");
        Path submissions = WORK.resolve("catalogue/submissions");
        Catalogue.deleteRecursively(submissions);
        Catalogue.copyTree(KIT.resolve("lesson-solution"), submissions.resolve("reference-solution"));
        Catalogue.deleteRecursively(submissions.resolve("reference-solution/target"));
        for (Catalogue.Broken broken : Catalogue.ALL) {
            Catalogue.materialise(broken, solution, submissions.resolve(broken.name()));
        }
        long before = ProcessHandle.current().descendants().count();

        // Grade them as a class (the default checks), then the stretch ones on the stretch check meant for them.
        List<Classroom.Row> rows = Classroom.gradeAll(submissions, WORK.resolve("catalogue/classroom"), 2);
        Map<String, Classroom.Row> byName = rows.stream().collect(Collectors.toMap(Classroom.Row::submission, r -> r));
        List<String> missed = new ArrayList<>();
        assertThat(byName.get("reference-solution").score()).as("the reference solution's score").isEqualTo(50);
        assertThat(byName.get("reference-solution").result().failures()).isEmpty();
        for (Catalogue.Broken broken : Catalogue.ALL) {
            GradeRun.Result result = broken.needsStretch()
                    ? GradeRun.grade(submissions.resolve(broken.name()).toString(), WORK.resolve("catalogue/stretch/" + broken.name()),
                            broken.selection(), true)
                    : byName.get(broken.name()).result();
            for (String check : broken.caughtBy()) {
                String expected = check.contains("#") ? check.split("#")[1] : check;
                boolean caught = result.checks().stream().anyMatch(c -> c.status().equals("failed")
                        && (check.contains("#") ? c.name().equals(displayNameOf(check)) : inClass(c, check)));
                if (!caught) {
                    missed.add(broken.name() + " (" + broken.what() + ") was not caught by " + expected
                            + "; failures: " + result.failures().stream().map(GradeReport.Check::name).toList());
                }
            }
        }
        assertThat(missed).as("broken servers that the grader let through: fix the grader, not the catalogue").isEmpty();

        Classroom.Row broken = byName.get("does-not-compile");
        assertThat(broken.result().failures()).hasSize(1);
        assertThat(broken.result().failures().get(0).message()).contains("does not compile").contains("EchoServer.java:");

        // Rows that lose task marks must lose them on the task they break.
        for (Catalogue.Broken entry : Catalogue.ALL) {
            String task = taskOf(entry.caughtBy().get(0));
            if (task != null) {
                assertThat(byName.get(entry.name()).cell(task)).as(entry.name() + " in " + task).contains("(");
            }
        }

        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("processes left behind by the self-test").isLessThanOrEqualTo(before);
        // An orphan is no longer our descendant: look for any process running catalogue code at all.
        String catalogue = WORK.resolve("catalogue").toString();
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(catalogue)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList())
                .as("processes still running catalogue servers").isEmpty();
        Files.writeString(WORK.resolve("catalogue/classroom/README.txt"),
                "Sample classroom table: the grader's catalogue of broken servers, graded as a class.\n");
    }

    @Test
    @DisplayName("a server started by a command is graded too: ready by its log line, or by its listening socket when it prints nothing")
    void commandTargetsAreGraded() throws Exception {
        // The solution, compiled, started as any other program would be: through a shell command.
        GradeRun.Result compiled = GradeRun.grade(KIT.resolve("lesson-solution").toString(), WORK.resolve("selftest/compile"),
                List.of("ArchitectureChecks"), false);
        assertThat(compiled.failures()).isEmpty();
        Path classes = WORK.resolve("selftest/compile/graded");
        String classpath = java.nio.file.Files.walk(classes, 3)
                .filter(p -> p.endsWith("classes")).findFirst().orElseThrow()
                + java.io.File.pathSeparator + picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = java + " -cp " + classpath + " dev.echokit.server.EchoCommand";

        GradeRun.Result talking = GradeRun.gradeCommand(command, WORK.resolve("selftest/command"), Classroom.DEFAULT_CHECKS);
        assertThat(talking.failures()).as("the solution started by a command").isEmpty();
        assertThat(talking.score()).isEqualTo(50);
        assertThat(talking.checks()).filteredOn(c -> c.group().equals("architecture"))
                .isNotEmpty().allMatch(c -> c.status().equals("n/a"));

        // The same server with its log thrown away: the grader must find it listening without a
        // probe connection, and only the log check may fail.
        GradeRun.Result silent = GradeRun.gradeCommand(command + " 2>/dev/null", WORK.resolve("selftest/silent"),
                List.of("EchoChecks", "Task2Checks", "Task4Checks"));
        assertThat(silent.failures()).extracting(GradeReport.Check::group).containsOnly("task:4");
        assertThat(silent.checks()).filteredOn(c -> c.group().equals("echo")).allMatch(c -> c.status().equals("passed"));
    }

    private static String taskOf(String checkClass) {
        return switch (checkClass) {
            case "Task1Checks" -> "task:1";
            case "Task2Checks" -> "task:2";
            case "Task3Checks" -> "task:3";
            case "Task4Checks" -> "task:4";
            case "Task5Checks" -> "task:5";
            default -> null;
        };
    }

    private static boolean inClass(GradeReport.Check check, String checkClass) {
        String task = taskOf(checkClass);
        if (task != null) {
            return check.group().equals(task);
        }
        return switch (checkClass) {
            case "EchoChecks" -> check.group().equals("echo");
            case "ArchitectureChecks" -> check.group().equals("architecture");
            default -> false;
        };
    }

    private static String displayNameOf(String check) {
        String method = check.split("#")[1];
        try {
            return Class.forName("dev.echokit.grader.checks." + check.split("#")[0]).getDeclaredMethod(method,
                            Class.forName("dev.echokit.grader.checks.Grading"))
                    .getAnnotation(DisplayName.class).value();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no check " + check, e);
        }
    }

    /** The starter's results with ports, times, timestamps and paths taken out, so a diff shows feedback changes only. */
    static String normalise(GradeRun.Result result) {
        StringBuilder out = new StringBuilder();
        for (GradeReport.Row row : result.rows()) {
            out.append(String.format("%-13s passed %d failed %d xp %d%n", row.group(), row.passed(), row.failed(), row.xp()));
        }
        out.append('\n');
        result.checks().stream()
                .sorted((a, b) -> (a.group() + a.name()).compareTo(b.group() + b.name()))
                .forEach(c -> {
                    out.append("== ").append(c.group()).append(" | ").append(c.name()).append(" | ").append(c.status()).append('\n');
                    if (!c.message().isEmpty()) {
                        out.append(c.message()
                                .replaceAll("\\[\\+\\d+ ms\\]", "[+T ms]")
                                .replaceAll("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}", "HH:MM:SS.mmm")
                                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                                .replaceAll("after \\d+ ms", "after T ms")
                                .replaceAll("\\.\\.\\. \\(\\d+ earlier lines\\)", "... (N earlier lines)")
                                .replace(KIT.toString() + "/", ""))
                                .append('\n');
                    }
                });
        return out.toString();
    }
}
