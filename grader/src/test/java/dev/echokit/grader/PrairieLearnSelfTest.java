package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.echokit.grader.cli.GraderCommand;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.PrairieLearnResults;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The PrairieLearn entry point, run on a {@code /grade} folder laid out as PrairieLearn lays it out
 * ({@code student/} holding the uploaded files as they were named, {@code tests/},
 * {@code serverFilesCourse/}, {@code data/data.json}, no {@code results/} yet): every results.json
 * it leaves must be one PrairieLearn accepts, and score what the grader scores.
 */
@Tag("selftest")
@DisplayName("The PrairieLearn external grader")
@ExtendWith(SelfTestCondition.class)
public class PrairieLearnSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path SOLUTION = KIT.resolve("lesson-solution/src/main/java");
    private static final Path SERVER = Path.of("dev/echokit/server");
    /** The keys PrairieLearn's pl-external-grader-results element reads from a test. */
    private static final Set<String> TEST_KEYS = Set.of("name", "description", "points", "max_points", "message", "output", "images");

    @Test
    @DisplayName("the solution, uploaded as loose .java files, scores 1.0: 50 of 50 points, every test passed, the proof in the output")
    void solutionScoresOne() throws Exception {
        Path root = gradeRoot(WORK.resolve("prairielearn/solution"));
        uploadFiles(SOLUTION.resolve(SERVER), root);
        String log = run(root);

        JsonNode results = validResults(root);
        agreesWithTheGrader(results, Grader.grade(Grader.Request.of(SOLUTION.toString(), KIT, WORK.resolve("prairielearn/solution-grader"))));
        assertThat(results.get("score").asDouble()).isEqualTo(1.0);
        assertThat(results.get("message").asString()).isEqualTo("Total: 50/50");
        assertThat(results.get("output").asString()).startsWith("Total: 50/50\n")
                .contains("EchoKit grader summary").contains("every check that ran passed")
                .contains("The lesson's proof: the server's log from the check").contains("rejected connection: at capacity (3/3)");
        assertThat(results.get("tests").valueStream()).isNotEmpty()
                .allSatisfy(t -> assertThat(t.get("points").asInt()).as(t.toString()).isEqualTo(t.get("max_points").asInt()));
        assertThat(log).as("the job's log, for the course staff").contains("EchoKit grader — ").contains("total");
    }

    @Test
    @DisplayName("the untouched starter, uploaded as a .zip of lesson-starter, scores 0: task 1's tests fail with the grader's feedback, the rest need task 1")
    void starterScoresZero() throws Exception {
        Path root = gradeRoot(WORK.resolve("prairielearn/starter"));
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(KIT.resolve("lesson-starter/src"))) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put("lesson-starter/" + KIT.resolve("lesson-starter").relativize(file), Files.readAllBytes(file));
            }
        }
        IntakeTest.zip(root.resolve("student/lesson-starter.zip"), files);
        run(root);

        JsonNode results = validResults(root);
        agreesWithTheGrader(results, Grader.grade(Grader.Request.of(KIT.resolve("lesson-starter").toString(), KIT,
                WORK.resolve("prairielearn/starter-grader"))));
        assertThat(results.get("gradable").asBoolean()).isTrue();
        assertThat(results.get("score").asDouble()).isZero();
        List<JsonNode> task1 = results.get("tests").valueStream().filter(t -> t.get("name").asString().startsWith("Task 1: ")).toList();
        assertThat(task1).isNotEmpty().allSatisfy(t -> {
            assertThat(t.get("message").asString()).isEqualTo(Status.FAILED.word());
            assertThat(t.get("output").asString()).contains("[task 1]").contains("where to look");
        });
        assertThat(results.get("tests").valueStream().filter(t -> t.get("name").asString().contains("(not judged: needs task 1)")))
                .isNotEmpty().allSatisfy(t -> assertThat(t.get("output").asString()).startsWith("Not judged: "));
        // The output is the console's feedback: each failure under its part, with the labels every surface uses.
        assertThat(results.get("output").asString()).startsWith("Total: 0/50\n").contains("✗ Task 1").contains("what the server did:")
                .contains("EchoKit grader summary");
    }

    @Test
    @DisplayName("a server that does not log refusals scores 0.8: task 4's tests fail, every other test passes")
    void brokenServerLosesOneTask() throws Exception {
        Catalogue.Broken broken = Catalogue.ALL.stream().filter(b -> b.name().equals("no-reject-log")).findFirst().orElseThrow();
        Path made = Catalogue.materialise(broken, SOLUTION, WORK.resolve("prairielearn/no-reject-log-server"));
        Path root = gradeRoot(WORK.resolve("prairielearn/no-reject-log"));
        uploadFiles(made.resolve("src/main/java").resolve(SERVER), root);
        run(root);

        JsonNode results = validResults(root);
        Verdict verdict = Grader.grade(Grader.Request.of(made.toString(), KIT, WORK.resolve("prairielearn/no-reject-log-grader")));
        agreesWithTheGrader(results, verdict);
        assertThat(results.get("score").asDouble()).isCloseTo((double) (Parts.LESSON.maxXp() - Parts.TASK_4.xp()) / Parts.LESSON.maxXp(), within(1e-12));
        assertThat(results.get("tests").valueStream().filter(t -> t.get("max_points").asInt() > 0)).allSatisfy(t -> {
            boolean task4 = t.get("name").asString().startsWith(Parts.TASK_4.label() + ": ");
            assertThat(t.get("points").asInt()).as(t.get("name").asString()).isEqualTo(task4 ? 0 : t.get("max_points").asInt());
        });
        assertThat(results.get("output").asString()).contains("✗ " + Parts.TASK_4.heading());
    }

    @Test
    @DisplayName("no sources: not gradable (no points, no attempt spent), and the format error says why and what to upload")
    void noSourcesIsNotGradable() throws Exception {
        Path root = gradeRoot(WORK.resolve("prairielearn/no-sources"));
        Files.writeString(root.resolve("student/notes.txt"), "I ran out of time\n");
        run(root);

        JsonNode results = validResults(root);
        assertThat(results.get("gradable").asBoolean()).isFalse();
        assertThat(results.has("score")).isFalse();
        assertThat(results.get("format_errors").get(0).asString()).startsWith("Not graded: no server sources");
        assertThat(results.get("output").asString()).contains("What to upload:");
        assertThat(results.get("tests").valueStream()).isEmpty();
    }

    @Test
    @DisplayName("a compile error is graded: score 0, and the failing test and the output quote the compiler")
    void compileErrorScoresZero() throws Exception {
        Catalogue.Broken broken = Catalogue.ALL.stream().filter(b -> b.name().equals("does-not-compile")).findFirst().orElseThrow();
        Path made = Catalogue.materialise(broken, SOLUTION, WORK.resolve("prairielearn/does-not-compile-server"));
        Path root = gradeRoot(WORK.resolve("prairielearn/does-not-compile"));
        uploadFiles(made.resolve("src/main/java").resolve(SERVER), root);
        run(root);

        JsonNode results = validResults(root);
        agreesWithTheGrader(results, Grader.grade(Grader.Request.of(made.toString(), KIT, WORK.resolve("prairielearn/does-not-compile-grader"))));
        assertThat(results.get("gradable").asBoolean()).isTrue();
        assertThat(results.get("score").asDouble()).isZero();
        assertThat(results.get("output").asString()).contains("the server does not compile (").contains("EchoServer.java");
        assertThat(results.get("tests").valueStream().filter(t -> t.get("message").asString().equals(Status.FAILED.word())))
                .singleElement().satisfies(t -> assertThat(t.get("output").asString()).contains("the server does not compile ("));
    }

    @Test
    @DisplayName("a results.json that would pass PrairieLearn's 1 MB is cut in its texts, never in its names, points or score")
    void resultsFitTheLimit() {
        Verdict verdict = new Verdict("big", "header", List.of(
                new CheckResult("option", Parts.TASK_1, Status.FAILED, null, "[task 1] " + "ü".repeat(400_000), 1, null),
                new CheckResult("count", Parts.TASK_2, Status.PASSED, null, "", 1, null)));
        PrairieLearnResults whole = PrairieLearnResults.of(verdict, "Total: 10/50\n" + "\u0001x".repeat(600_000));
        PrairieLearnResults cut = whole.within(PrairieLearnResults.MOST_BYTES);

        assertThat(JsonReport.toJson(whole).getBytes(StandardCharsets.UTF_8).length).isGreaterThan(PrairieLearnResults.MOST_BYTES);
        assertThat(JsonReport.toJson(cut).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(PrairieLearnResults.MOST_BYTES);
        assertThat(cut.score()).isEqualTo(whole.score());
        assertThat(cut.tests()).extracting(PrairieLearnResults.Test::name, PrairieLearnResults.Test::points)
                .isEqualTo(whole.tests().stream().map(t -> org.assertj.core.groups.Tuple.tuple(t.name(), t.points())).toList());
        assertThat(cut.output()).startsWith("Total: 10/50\n").endsWith("the rest did not fit)");
    }

    @Test
    @DisplayName("a failure of the grader itself (here: no temporary folder to work in) is not gradable, costs the learner nothing, and says it is not their fault")
    void graderFailureIsNotGradable() throws Exception {
        Path root = gradeRoot(WORK.resolve("prairielearn/grader-failure"));
        uploadFiles(SOLUTION.resolve(SERVER), root);
        Path jvm = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder run = new ProcessBuilder(jvm.toString(), "-Djava.io.tmpdir=" + root.resolve("no-such-folder"),
                "-cp", System.getProperty("java.class.path"), GraderCommand.class.getName(), "prairielearn", "--root", root.toString())
                .redirectErrorStream(true).redirectOutput(root.resolveSibling("grader-failure.log").toFile());
        Process process = run.start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the entry point finished within 120 s").isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }

        JsonNode results = validResults(root);
        assertThat(results.get("gradable").asBoolean()).isFalse();
        assertThat(results.get("message").asString()).startsWith("Not graded: the grader could not grade this submission (")
                .contains("This is a problem of the grader, not a verdict on your server");
        assertThat(Files.readString(root.resolveSibling("grader-failure.log"))).contains("grader error: ");
    }

    @Test
    @DisplayName("the image's entry point script still leaves a valid result, not gradable, when the grader's JVM cannot run, and exits 0")
    void entryPointScriptHasAFallback() throws Exception {
        Path opt = WORK.resolve("prairielearn/opt-without-jar");
        Catalogue.deleteRecursively(opt);
        Files.createDirectories(opt);
        Files.copy(KIT.resolve("grader/src/prairielearn/run"), opt.resolve("run"));
        Files.copy(KIT.resolve(".mvn/jvm.config"), opt.resolve("jvm.config"));
        Path root = gradeRoot(WORK.resolve("prairielearn/no-jar"));
        uploadFiles(SOLUTION.resolve(SERVER), root);

        assertThat(runScript(opt.resolve("run"), root)).isZero();
        JsonNode results = validResults(root);
        assertThat(results.get("gradable").asBoolean()).isFalse();
        assertThat(results.get("message").asString()).contains("the grader itself could not run");
    }

    @Test
    @DisplayName("the entry point script, beside the packaged grader.jar as in the image, grades the solution 50/50")
    void entryPointScriptGrades() throws Exception {
        Path jar = WORK.resolve("grader.jar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar), "needs grader/target/grader.jar (./mvnw -pl grader package)");
        Path opt = WORK.resolve("prairielearn/opt");
        Catalogue.deleteRecursively(opt);
        Files.createDirectories(opt);
        Files.copy(KIT.resolve("grader/src/prairielearn/run"), opt.resolve("run"));
        Files.copy(KIT.resolve(".mvn/jvm.config"), opt.resolve("jvm.config"));
        Files.copy(jar, opt.resolve("grader.jar"));
        Path root = gradeRoot(WORK.resolve("prairielearn/script"));
        uploadFiles(SOLUTION.resolve(SERVER), root);

        assertThat(runScript(opt.resolve("run"), root)).isZero();
        assertThat(validResults(root).get("score").asDouble()).isEqualTo(1.0);
    }

    /** Runs the entry point script with PL_GRADE_ROOT set, its output kept beside the root; bounded, killed if it overstays. */
    private static int runScript(Path script, Path root) throws Exception {
        ProcessBuilder run = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolveSibling(root.getFileName() + ".log").toFile());
        run.environment().put("PL_GRADE_ROOT", root.toString());
        Process process = run.start();
        try {
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the entry point finished within 180 s").isTrue();
            return process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * A fresh {@code /grade} as PrairieLearn's grader builds one (its {@code buildDirectory}): the
     * folders for the course's files, the question's tests, the learner's files and the data; the
     * results folder is the grader's to make.
     */
    public static Path gradeRoot(Path root) throws IOException {
        Catalogue.deleteRecursively(root);
        for (String folder : List.of("serverFilesCourse", "tests", "student", "data", "shared")) {
            Files.createDirectories(root.resolve(folder));
        }
        Files.writeString(root.resolve("data/data.json"), "{\"params\":{},\"correct_answers\":{},\"submitted_answers\":{},\"format_errors\":{},"
                + "\"partial_scores\":{},\"score\":0,\"feedback\":{},\"variant_seed\":1,\"options\":{},\"raw_submitted_answers\":{},\"gradable\":true}");
        return root;
    }

    /** The files of one folder as pl-file-upload leaves them: each under its own name, side by side in student/. */
    public static void uploadFiles(Path folder, Path root) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, root.resolve("student").resolve(file.getFileName().toString()));
            }
        }
    }

    /** Runs the entry point as the question's container does; it must exit 0 whatever it graded. Returns what it printed. */
    public static String run(Path root) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream before = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = GraderCommand.commandLine().execute("prairielearn", "--root", root.toString());
        } finally {
            System.setOut(before);
        }
        assertThat(exit).as("the entry point's exit code (PrairieLearn fails a job that exits otherwise)").isZero();
        return printed.toString(StandardCharsets.UTF_8);
    }

    /**
     * results.json as PrairieLearn's docs/externalGrading.md ("Grading results") specifies it:
     * at most 1 MB; {@code score} a number in [0, 1] unless {@code gradable} is false, then
     * {@code format_errors} a string or strings; message and output strings; every test named,
     * with both {@code points} and {@code max_points} (PrairieLearn shows points only when every
     * test has both), and the score the tests' points over their maximum.
     */
    public static JsonNode validResults(Path root) throws IOException {
        Path file = root.resolve("results/results.json");
        assertThat(file).as("PrairieLearn reads /grade/results/results.json").isRegularFile();
        assertThat(Files.size(file)).as("PrairieLearn refuses results over 1 MB").isLessThanOrEqualTo(1024 * 1024);
        JsonNode results = JsonReport.mapper().readTree(file.toFile());
        assertThat(results.isObject()).isTrue();
        if (results.has("gradable")) {
            assertThat(results.get("gradable").isBoolean()).as("gradable").isTrue();
        }
        boolean gradable = !results.has("gradable") || results.get("gradable").asBoolean();
        if (gradable) {
            assertThat(results.has("score")).as("a gradable result's score").isTrue();
            assertThat(results.get("score").isNumber()).as("score is a number").isTrue();
            assertThat(results.get("score").asDouble()).isBetween(0.0, 1.0);
        } else {
            JsonNode errors = results.get("format_errors");
            assertThat(errors).as("a result that is not gradable says why").isNotNull();
            assertThat(errors.isString() || errors.isArray() && errors.valueStream().allMatch(JsonNode::isString)).as("format_errors").isTrue();
        }
        for (String text : List.of("message", "output")) {
            if (results.has(text)) {
                assertThat(results.get(text).isString()).as(text + " is a string").isTrue();
            }
        }
        if (results.has("tests")) {
            assertThat(results.get("tests").isArray()).isTrue();
            List<String> unknown = new ArrayList<>();
            long points = 0;
            long maxPoints = 0;
            for (JsonNode test : results.get("tests")) {
                assertThat(test.isObject()).isTrue();
                test.propertyNames().forEach(key -> {
                    if (!TEST_KEYS.contains(key)) {
                        unknown.add(key);
                    }
                });
                assertThat(test.get("name").isString()).as("a test's name").isTrue();
                assertThat(test.get("points").isNumber() && test.get("max_points").isNumber()).as("points and max_points of " + test.get("name")).isTrue();
                assertThat(test.get("points").asDouble()).isBetween(0.0, test.get("max_points").asDouble());
                for (String text : List.of("message", "output")) {
                    if (test.has(text)) {
                        assertThat(test.get(text).isString()).as(text + " of " + test.get("name")).isTrue();
                    }
                }
                points += test.get("points").asLong();
                maxPoints += test.get("max_points").asLong();
            }
            assertThat(unknown).as("keys PrairieLearn does not read from a test").isEmpty();
            if (gradable && maxPoints > 0) {
                assertThat(results.get("score").asDouble()).as("score = the tests' points over their maximum").isCloseTo((double) points / maxPoints, within(1e-12));
            }
        }
        return results;
    }

    /**
     * The same verdict as the grader's own, graded again from the same sources: score × 50 is its
     * total, the tests' points add up to it, and each test is Gradescope's, with the same points.
     */
    static void agreesWithTheGrader(JsonNode results, Verdict verdict) {
        List<JsonNode> tests = results.get("tests").valueStream().toList();
        assertThat(results.get("score").asDouble() * verdict.maxScore()).isCloseTo(verdict.score(), within(1e-9));
        assertThat(tests.stream().mapToLong(t -> t.get("points").asLong()).sum()).isEqualTo(verdict.score());
        assertThat(tests.stream().mapToLong(t -> t.get("max_points").asLong()).sum()).isEqualTo(verdict.maxScore());
        assertThat(tests).extracting(t -> t.get("name").asString() + " " + t.get("points").asInt() + "/" + t.get("max_points").asInt())
                .isEqualTo(GradescopeResults.of(verdict, "", 0).tests().stream().map(t -> t.name() + " " + t.score() + "/" + t.maxScore()).toList());
    }
}
