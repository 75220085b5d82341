package dev.echokit.grader.report;

import dev.echokit.grader.checks.Proof;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Gradescope's {@code results.json}: the score, the notes, the summary and the proof log as the
 * submission's text, each check as a test. Written by an atomic rename ({@link JsonReport#write}),
 * so Gradescope never reads half of it.
 */
public final class GradescopeReport implements ReportWriter {

    @Override
    public void write(Outcome outcome, Path outDir) throws IOException {
        JsonReport.write(outDir.resolve("results.json"), GradescopeResults.of(outcome.verdict(), text(outcome), outcome.seconds()));
    }

    private static String text(Outcome outcome) throws IOException {
        Verdict verdict = outcome.verdict();
        StringBuilder output = new StringBuilder("Total: " + verdict.score() + "/" + verdict.maxScore() + "\n\n");
        output.append(Console.notes(verdict));
        output.append(Console.summary(verdict, Optional.empty(), Optional.empty()).strip()
                .replace("the first ✗ block above says", "the failed tests below say"));
        if (outcome.proof().isPresent()) {
            output.append("\n\nThe lesson's proof, your server's log from the check \"" + Proof.CHECK + "\":\n\n").append(Files.readString(outcome.proof().get()));
        }
        return output.toString();
    }
}
