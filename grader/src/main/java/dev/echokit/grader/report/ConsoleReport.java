package dev.echokit.grader.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The console: each failed part's block and the summary ({@link Console}), with the line about
 * the proof log and where the JSON report is, as the caller shows those paths.
 */
public final class ConsoleReport implements ReportWriter {

    private final PrintStream out;
    private final Optional<String> proofNote;
    private final Optional<Path> reportShown;

    public ConsoleReport(PrintStream out, Optional<String> proofNote, Optional<Path> reportShown) {
        this.out = out;
        this.proofNote = proofNote;
        this.reportShown = reportShown;
    }

    @Override
    public void write(Outcome outcome, Path outDir) {
        out.print(Console.render(outcome.verdict(), proofNote, reportShown));
        out.flush();
    }
}
