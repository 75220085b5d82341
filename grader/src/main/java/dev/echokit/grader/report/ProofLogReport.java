package dev.echokit.grader.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code server.log}: the grader's own record of the server's log in the proof check (Proof.CHECK), never a file a server wrote. */
public final class ProofLogReport implements ReportWriter {

    @Override
    public void write(Outcome outcome, Path outDir) throws IOException {
        if (outcome.proof().isPresent()) {
            JsonReport.writeText(outDir.resolve("server.log"), Files.readString(outcome.proof().get()));
        }
    }
}
