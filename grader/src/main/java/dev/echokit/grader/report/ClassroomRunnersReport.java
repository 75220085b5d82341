package dev.echokit.grader.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GitHub Classroom's runner results: {@code autograding-result.json} with every check, and one
 * file per task check under {@code autograding/} for the workflow's reporter, each worth the
 * check's whole share, so the reporter's total is the grader's (see ClassroomRunnerResult).
 */
public final class ClassroomRunnersReport implements ReportWriter {

    @Override
    public void write(Outcome outcome, Path outDir) throws IOException {
        JsonReport.write(outDir.resolve("autograding-result.json"), ClassroomRunnerResult.of(outcome.verdict()));
        Path dir = outDir.resolve("autograding");
        if (Files.isDirectory(dir)) {
            try (var old = Files.list(dir)) { // an earlier run's runners must not be reported with this run's
                for (Path file : old.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                    Files.delete(file);
                }
            }
        }
        ClassroomRunnerResult.runners(outcome.verdict()).forEach((runner, result) -> JsonReport.write(dir.resolve(runner + ".json"), result));
    }
}
