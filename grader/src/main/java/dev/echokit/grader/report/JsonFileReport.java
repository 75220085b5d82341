package dev.echokit.grader.report;

import java.nio.file.Path;

/** {@code grader-report.json}: the verdict as JSON, for scripts and the class insights. */
public final class JsonFileReport implements ReportWriter {

    @Override
    public void write(Outcome outcome, Path outDir) {
        JsonReport.write(outDir.resolve("grader-report.json"), outcome.verdict());
    }
}
