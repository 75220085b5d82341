package dev.echokit.grader.report;

import java.io.IOException;
import java.nio.file.Path;

/** Writes one output format of one grading; {@link Reports} lists which formats each way of running the grader writes. */
public interface ReportWriter {

    /** Writes this format's report of {@code outcome} into {@code outDir} (or prints it, for the console). */
    void write(Outcome outcome, Path outDir) throws IOException;
}
