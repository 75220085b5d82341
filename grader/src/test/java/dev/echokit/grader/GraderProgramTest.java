package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.cli.GraderCommand;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.ClassroomRunnerResult;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/** The grader's model, command line and JSON report, without starting a server. */
@Tag("selftest")
@DisplayName("The grader program")
@ExtendWith(SelfTestCondition.class)
class GraderProgramTest {

    private static final Path KIT = SelfTestPaths.KIT;

    @Test
    @DisplayName("every task heading is the lesson's own heading, in order")
    void headingsMatchTheLesson() throws Exception {
        List<String> lessonHeadings = Files.readAllLines(KIT.resolve(Parts.LESSON.text())).stream()
                .filter(line -> line.startsWith("## Task ")).map(line -> line.substring(3)).toList();
        assertThat(Parts.LESSON.tasks().stream().map(Part::heading).toList()).isEqualTo(lessonHeadings);
        assertThat(Parts.LESSON.maxXp()).isEqualTo(50);
    }

    @Test
    @DisplayName("the instructors' guide shows the lesson's definition as `grader.jar lesson` prints it today")
    void instructorsGuideShowsTheDefinition() throws Exception {
        String guide = Files.readString(KIT.resolve("lessons/w02-l12-connection-limits/instructor.md"));
        String printed = dev.echokit.grader.cli.LessonCommand.render(Parts.LESSON).strip();
        int start = guide.indexOf("```text\nlesson: ");
        assertThat(start).as("the listing in instructor.md").isNotNegative();
        String shown = guide.substring(start + "```text\n".length(), guide.indexOf("\n```", start));
        assertThat(shown.strip()).as("instructor.md's listing: paste the output of java -jar grader/target/grader.jar lesson").isEqualTo(printed);
    }

    @Test
    @DisplayName("bad usage exits with 2 after one line that names the option; --help exits with 0")
    void badUsageIsOneLine() throws Exception {
        Path classDir = KIT.resolve("grader/target/selftest/only-class");
        Files.createDirectories(classDir.resolve("benjamin"));
        Files.createDirectories(classDir.resolve("ann"));
        for (List<String> args : List.of(List.of("--groups", "task:9"), List.of("--no-such-option"), List.of("--group", "task:3"),
                List.of("classroom", "/no/such/folder"), List.of("classroom", ".", "--parallel", "0"),
                List.of("classroom", classDir.toString(), "--only", "bejnamin"),
                List.of("classroom", classDir.toString(), "--gradebook", "/no/such/gradebook.csv"),
                List.of("classroom", classDir.toString(), "--gradebook", KIT.resolve("grader/src/test/resources/gradebook/roster.csv").toString()),
                List.of("classroom", classDir.toString(), "--gradebook-column", "Connection limits (12345)"))) {
            StringWriter err = new StringWriter();
            int exit = GraderCommand.commandLine().setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
            assertThat(exit).as(args.toString()).isEqualTo(2);
            List<String> lines = err.toString().lines().toList();
            assertThat(lines).as(args.toString()).hasSize(2);
            assertThat(lines.get(0)).startsWith("grader: ").doesNotContain("Exception");
        }
        assertThat(GraderCommand.commandLine().setOut(new PrintWriter(new StringWriter())).execute("--help")).isZero();
        StringWriter err = new StringWriter();
        GraderCommand.commandLine().setErr(new PrintWriter(err)).execute("classroom", classDir.toString(), "--only", "bejnamin");
        assertThat(err.toString()).contains("Invalid value 'bejnamin' for option '--only': no submission in ")
                .contains("is called that; the nearest: benjamin.");
        StringWriter near = new StringWriter();
        GraderCommand.commandLine().setErr(new PrintWriter(near)).execute("--group", "task:3");
        assertThat(near.toString()).startsWith("grader: Unknown options: '--group', 'task:3' (did you mean --groups?)");
    }

    @Test
    @DisplayName("the JSON report lists parts and checks in lesson order, with the part each blocked check waits for")
    void jsonFollowsTheLesson() throws Exception {
        Verdict verdict = new Verdict("lesson-starter", "header", List.of(
                new CheckResult("stretch check", Parts.STRETCH, Status.NOT_RUN, null, "not run", 0, null),
                new CheckResult("refusal line", Parts.TASK_3, Status.NEEDS_TASK, Parts.TASK_1, "needs task 1: no option", 5, null),
                new CheckResult("option", Parts.TASK_1, Status.FAILED, null, "[task 1] expected …", 7, null),
                new CheckResult("echo", Parts.ECHO, Status.PASSED, null, "", 3, null)));
        JsonNode json = JsonReport.mapper().readTree(JsonReport.toJson(verdict));
        assertThat(json.get("status").asString()).isEqualTo("failed");
        assertThat(json.get("score").asInt()).isZero();
        assertThat(json.get("xpGraded").asBoolean()).isTrue();
        assertThat(json.get("checks").valueStream().map(c -> c.get("task").asString()).toList())
                .containsExactly("echo", "task:1", "task:3", "stretch");
        assertThat(json.get("checks").get(2).get("status").asString()).isEqualTo("needs task");
        assertThat(json.get("checks").get(2).get("needsTask").asString()).isEqualTo("task:1");
        assertThat(json.get("tasks").valueStream().map(t -> t.get("group").asString()).toList())
                .containsExactlyElementsOf(Arrays.stream(Parts.LESSON.parts().toArray(Part[]::new)).map(Part::tag).toList());
        assertThat(json.get("tasks").get(3).get("needsTask").asInt()).isEqualTo(1);
    }

    @Test
    @DisplayName("GitHub Classroom's runner results: one per task check, in the reporter's format, in whole shares that add up to the grader's XP")
    void classroomRunnersAddUp() throws Exception {
        List<CheckResult> checks = new java.util.ArrayList<>();
        for (Part part : Parts.LESSON.tasks()) {
            for (int i = 1; i <= 3; i++) {
                Status status = part.task() == 3 && i == 3 ? Status.FAILED : part.task() == 4 ? Status.NEEDS_TASK : Status.PASSED;
                checks.add(new CheckResult(part.shortName() + " check " + i, part, status,
                        status == Status.NEEDS_TASK ? Parts.TASK_3 : null, status == Status.PASSED ? "" : "why", 1, null, i));
            }
        }
        Verdict verdict = new Verdict("x", "header", checks);
        // Whole shares, the first checks taking the remainder: 10 over 3 checks is 4, 3, 3. Task 3 loses
        // its third check (3 XP) and task 4 waits for task 3 (no XP): 10 + 10 + 7 + 0 + 10.
        assertThat(Parts.TASK_3.shares(3)).containsExactly(4, 3, 3);
        assertThat(Parts.TASK_5.shares(6)).containsExactly(2, 2, 2, 2, 1, 1);
        assertThat(verdict.score()).isEqualTo(37);
        java.util.Map<String, ClassroomRunnerResult> runners = ClassroomRunnerResult.runners(verdict);
        assertThat(runners.keySet()).hasSize(15).startsWith("task1check1", "task1check2", "task1check3", "task2check1");
        int points = 0;
        int max = 0;
        for (ClassroomRunnerResult result : runners.values()) {
            JsonNode runner = JsonReport.mapper().readTree(JsonReport.toJson(result));
            assertThat(runner.get("version").asInt()).isEqualTo(1);
            assertThat(runner.get("status").asString()).isIn("pass", "fail");
            assertThat(runner.get("max_score").isIntegralNumber()).isTrue();
            JsonNode test = runner.get("tests").get(0);
            assertThat(runner.get("tests")).hasSize(1);
            assertThat(test.get("status").asString()).isIn("pass", "fail");
            assertThat(test.has("message")).isTrue();
            assertThat(test.get("line_no").asInt()).isZero();
            assertThat(test.get("score").asInt()).isEqualTo(test.get("status").asString().equals("pass") ? runner.get("max_score").asInt() : 0);
            points += test.get("score").asInt();
            max += runner.get("max_score").asInt();
        }
        assertThat(points).isEqualTo(verdict.score());
        assertThat(max).isEqualTo(Parts.LESSON.maxXp());
        JsonNode all = JsonReport.mapper().readTree(JsonReport.toJson(ClassroomRunnerResult.of(verdict)));
        assertThat(all.get("max_score").asInt()).isEqualTo(Parts.LESSON.maxXp());
        assertThat(all.get("status").asString()).isEqualTo("fail");
        assertThat(all.get("tests")).hasSize(15);
        assertThat(all.get("tests").valueStream().mapToInt(t -> t.get("score").asInt()).sum()).isEqualTo(37);
    }

    @Test
    @DisplayName("compare reads a zip holding a windows-1252 file without a stack trace, and leaves no temp folder behind")
    void compareReadsEncodingsAndCleansUp() throws Exception {
        Path dir = KIT.resolve("grader/target/selftest/compare");
        Catalogue.deleteRecursively(dir);
        Path sources = dir.resolve("copy/src/main/java");
        Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), sources);
        Path connection = sources.resolve(Catalogue.CONNECTION);
        Files.write(connection, ("// Gr\u00fc\u00dfe\n" + Files.readString(connection)).getBytes(java.nio.charset.Charset.forName("windows-1252")));
        java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(dir.resolve("copy"))) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.resolve("copy").relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        IntakeTest.zip(dir.resolve("copy.zip"), files);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<List<String>> leftovers = () -> {
            try (var list = Files.list(tmp)) {
                return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("echokit-compare-")).toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<String> before = leftovers.get();
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            exit = GraderCommand.commandLine().execute("compare", dir.resolve("copy.zip").toString(), "--kit", KIT.toString());
        } finally {
            System.setOut(out);
        }
        String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(exit).as(text).isEqualTo(1);
        assertThat(text).contains("-    1      | // Gr\u00fc\u00dfe").contains("note: read dev/echokit/server/Connection.java as windows-1252")
                .doesNotContain("Exception");
        assertThat(leftovers.get()).as("compare's temp folders").isSubsetOf(before);
    }

    @Test
    @DisplayName("a copy of the kit given as the target grades its lesson-starter, not every module at once")
    void kitCopyGradesItsStarter() throws Exception {
        Intake.Found found = Intake.find(KIT, KIT.resolve("grader/target/intake-test"));
        assertThat(found.graded()).as(String.valueOf(found.notGraded())).isTrue();
        assertThat(found.sources()).isEqualTo(KIT.resolve("lesson-starter/src/main/java"));
    }

    @Test
    @DisplayName("a JUnit timeout and a bare exception inside a check reach the learner as the grader's feedback")
    void strayExceptionsBecomeFeedback() throws Exception {
        Verdict verdict = Grader.grade(Grader.Request.of("lesson-solution", KIT, KIT.resolve("grader/target/selftest/misbehaving"))
                .only(List.of("MisbehavingCheckFixture")));
        assertThat(verdict.with(Status.FAILED)).hasSize(2).allSatisfy(check -> {
            assertThat(check.part()).isEqualTo(Parts.TASK_2);
            assertThat(check.feedback()).as(check.message()).isNotNull();
            assertThat(check.message()).startsWith("[task 2] expected the server to keep answering")
                    .contains("what the grader did: ran the check").contains("hint: ").contains("where to look: ");
        });
        // Each shows its own server's log: the one that timed out started one with --max-clients 2, the
        // other started none (the grading's most recent server is another check's, not this one's).
        assertThat(verdict.with(Status.FAILED)).anySatisfy(c -> {
            assertThat(c.feedback().got()).contains("did not finish within its time limit");
            assertThat(c.feedback().log().orElseThrow().lines()).anyMatch(line -> line.text().contains("(max clients: 2)"));
        });
        assertThat(verdict.with(Status.FAILED)).anySatisfy(c -> {
            assertThat(c.feedback().got()).contains("reset a connection");
            assertThat(c.feedback().log()).isEmpty();
        });
    }

    /**
     * A Java server that parses its arguments without picocli is judged by what it does, as a
     * command is: the check of the @Option is n/a (a helper's hand-parsed server lost 2 XP to it;
     * ArchUnit had failed the rule "to check any classes", with an empty "what the server did").
     */
    @Test
    @DisplayName("a server with no picocli @Command class: the @Option check is n/a, not a failure")
    void noCommandClassIsNotApplicable() throws Exception {
        Path copy = KIT.resolve("grader/target/selftest/no-command");
        Catalogue.deleteRecursively(copy);
        Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), copy.resolve("src/main/java"));
        Path command = copy.resolve("src/main/java/" + Catalogue.COMMAND);
        String source = Files.readString(command);
        String bare = source.replaceFirst("(?s)@Command\\(\\n.*?\\)\\npublic final class", "public final class");
        assertThat(bare).as("the @Command annotation removed").isNotEqualTo(source);
        Files.writeString(command, bare);

        Verdict verdict = Grader.grade(Grader.Request.of(copy.toString(), KIT, copy.resolve("work"))
                .only(List.of("ArchitectureChecks#maxClientsIsAnOption")));
        assertThat(verdict.with(Status.FAILED)).isEmpty();
        assertThat(verdict.with(Status.NOT_APPLICABLE)).singleElement().satisfies(check -> assertThat(check.reason())
                .isEqualTo("the server does not use picocli (no class is annotated @Command): its option is judged by what it does"));
    }
    @Test
    @DisplayName("--groups architecture runs the rules alone: the picocli check among them counts for task 1, and stays out")
    void groupsRunTheirOwnPartsChecks() throws Exception {
        Verdict verdict = Grader.grade(Grader.Request.of("lesson-solution", KIT, KIT.resolve("grader/target/selftest/groups-architecture"))
                .groups(List.of("architecture")));
        assertThat(verdict.in(Parts.ARCHITECTURE)).isNotEmpty().allMatch(c -> c.is(Status.PASSED));
        assertThat(verdict.in(Parts.TASK_1)).as("task 1 judged from one of its four checks").isEmpty();
    }
    @Test
    @DisplayName("a misspelled Maven property stops the learner's grading in one line that names it and its likely meaning")
    void misspelledPropertiesAreNamed() {
        assertThat(GradeTest.unknownProperty(java.util.Set.of("java.home", "grader.targt", "grader.kitRoot")))
                .contains("unknown property -Dgrader.targt: did you mean -Dgrader.target? (nothing was graded)");
        assertThat(GradeTest.unknownProperty(java.util.Set.of("group"))).contains("unknown property -Dgroup: did you mean -Dgroups? (nothing was graded)");
        assertThat(GradeTest.unknownProperty(java.util.Set.of("grader.target", "grader.groups", "groups", "user.dir"))).isEmpty();
    }
}
