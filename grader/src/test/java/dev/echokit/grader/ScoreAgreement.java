package dev.echokit.grader;

import dev.echokit.grader.report.ClassroomRunnerResult;
import dev.echokit.grader.report.GradescopeResults;
import dev.echokit.grader.report.JsonReport;
import dev.echokit.grader.report.PrairieLearnResults;
import dev.echokit.grader.report.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One score everywhere: the grader's total, the sum of the Gradescope tests, PrairieLearn's score
 * and the sum of its tests' points, and the points GitHub
 * Classroom's own reporter (its released {@code dist/main.js}, run with Node.js) prints for the
 * runner files the grader writes: both its table's total and the points it sends to Classroom.
 */
final class ScoreAgreement {

    private static final Path KIT = SelfTestPaths.KIT;
    static final Path REPORTER = KIT.resolve("grader/src/test/classroom-reporter/main.js");
    private static final String REPORTER_SHA256 = "10321b2d4eceef030a9981ab6e34b92d03e91eabe07e116bfc9176823565d3f9";
    private static final Pattern NOTICE = Pattern.compile("::notice title=Autograding report::\\{\"totalPoints\":([^,]+),\"maxPoints\":([^}]+)}");
    private static final Pattern TABLE_TOTAL = Pattern.compile("│ Total:\\s+│ (\\S+)\\s+│ (\\S+)\\s+│");

    private ScoreAgreement() {
    }

    /** What the reporter printed: the points it sends to Classroom and its table's total, as it wrote them. */
    record Reported(String points, String maxPoints, String tableScore, String tableMax) {
    }

    static boolean nodeAvailable() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return node.waitFor(20, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs the reporter as the workflow does: INPUT_RUNNERS, and each runner's file base64-encoded in RUNNER_RESULTS. */
    static Reported runReporter(Map<String, String> runnerJson, Path dir) throws Exception {
        if (!HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(REPORTER))).equals(REPORTER_SHA256)) {
            throw new AssertionError(REPORTER + " is not the reporter's released dist/main.js (see its README.md)");
        }
        Files.createDirectories(dir);
        ProcessBuilder node = new ProcessBuilder("node", REPORTER.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("reporter.out").toFile());
        node.environment().put("INPUT_RUNNERS", String.join(",", runnerJson.keySet()));
        runnerJson.forEach((runner, json) -> node.environment().put(runner.toUpperCase() + "_RESULTS",
                Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))));
        Process process = node.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the reporter did not finish");
        }
        String out = Files.readString(dir.resolve("reporter.out")).replaceAll("\u001B\\[[0-9;]*m", "");
        Matcher notice = NOTICE.matcher(out);
        Matcher table = TABLE_TOTAL.matcher(out);
        if (!notice.find() || !table.find()) {
            throw new AssertionError("the reporter printed no points:\n" + out);
        }
        return new Reported(notice.group(1), notice.group(2), table.group(1), table.group(2));
    }

    /**
     * Every way the verdict is scored, compared with the grader's own total; what disagrees is added
     * to {@code wrong}, named by {@code name}. The runner files are kept in {@code dir} for a look.
     */
    static void check(String name, Verdict verdict, Path dir, List<String> wrong) throws Exception {
        String total = Integer.toString(verdict.score());
        String max = Integer.toString(verdict.maxScore());
        JsonNode gradescope = JsonReport.mapper().readTree(JsonReport.toJson(GradescopeResults.of(verdict, "", 0)));
        long testScores = 0;
        long testMax = 0;
        for (JsonNode test : gradescope.get("tests")) {
            if (!test.get("score").isIntegralNumber() || !test.get("max_score").isIntegralNumber()) {
                wrong.add(name + ": Gradescope test with a fractional score: " + test);
            }
            testScores += test.get("score").asLong();
            testMax += test.get("max_score").asLong();
        }
        if (testScores != verdict.score() || testMax != verdict.maxScore() || gradescope.get("score").asDouble() != verdict.score()) {
            wrong.add(name + ": Gradescope tests add up to " + testScores + "/" + testMax + ", its score says "
                    + gradescope.get("score") + ", the grader " + total + "/" + max);
        }
        checkPrairieLearn(name, verdict, wrong);
        Map<String, ClassroomRunnerResult> runners = ClassroomRunnerResult.runners(verdict);
        Map<String, String> json = new java.util.LinkedHashMap<>();
        runners.forEach((runner, result) -> json.put(runner, JsonReport.toJson(result)));
        for (Map.Entry<String, String> e : json.entrySet()) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(e.getKey() + ".json"), e.getValue());
        }
        Reported reported = runReporter(json, dir);
        if (!reported.points().equals(total) || !reported.maxPoints().equals(max)
                || !reported.tableScore().equals(total) || !reported.tableMax().equals(max)) {
            wrong.add(name + ": GitHub Classroom's reporter sends Points " + reported.points() + "/" + reported.maxPoints()
                    + " and its table totals " + reported.tableScore() + "/" + reported.tableMax() + ", the grader " + total + "/" + max);
        }
    }

    /**
     * PrairieLearn's score is a fraction, so it is the total over the lesson's XP to within a
     * double's rounding (29/50 × 50 is 28.999999999999996); its tests' points are whole and add up
     * to the total exactly, and PrairieLearn's score is their sum over their maximum.
     */
    static void checkPrairieLearn(String name, Verdict verdict, List<String> wrong) {
        JsonNode pl = JsonReport.mapper().readTree(JsonReport.toJson(PrairieLearnResults.of(verdict, "")));
        long points = 0;
        long maxPoints = 0;
        for (JsonNode test : pl.get("tests")) {
            if (!test.get("points").isIntegralNumber() || !test.get("max_points").isIntegralNumber()) {
                wrong.add(name + ": PrairieLearn test with fractional points: " + test);
            }
            points += test.get("points").asLong();
            maxPoints += test.get("max_points").asLong();
        }
        double score = pl.get("score").asDouble();
        if (!pl.get("gradable").asBoolean() || points != verdict.score() || maxPoints != verdict.maxScore()
                || Math.abs(score * verdict.maxScore() - verdict.score()) > 1e-9 || Math.abs(score - (double) points / maxPoints) > 1e-12) {
            wrong.add(name + ": PrairieLearn's score is " + score + " and its tests add up to " + points + "/" + maxPoints
                    + ", the grader " + verdict.score() + "/" + verdict.maxScore());
        }
    }

    static List<String> check(String name, Verdict verdict, Path dir) throws Exception {
        List<String> wrong = new ArrayList<>();
        check(name, verdict, dir, wrong);
        return wrong;
    }
}
