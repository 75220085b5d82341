package dev.echokit.grader.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * PrairieLearn's {@code results.json} ({@link PrairieLearnResults}): the output is the feedback the
 * learner would read on the console and in feedback.md — the total, each failure once, the summary
 * — then the proof log. Written by an atomic rename ({@link JsonReport#write}), so PrairieLearn
 * never reads half of it.
 */
public final class PrairieLearnReport implements ReportWriter {

    @Override
    public void write(Outcome outcome, Path outDir) throws IOException {
        JsonReport.write(outDir.resolve("results.json"),
                PrairieLearnResults.of(outcome.verdict(), text(outcome)).within(PrairieLearnResults.MOST_BYTES));
    }

    private static String text(Outcome outcome) throws IOException {
        Verdict verdict = outcome.verdict();
        StringBuilder output = new StringBuilder("Total: " + verdict.score() + "/" + verdict.maxScore() + "\n\n");
        output.append(Console.render(verdict, Optional.empty(), Optional.empty()).strip());
        if (outcome.proof().isPresent()) {
            output.append("\n\n").append(FeedbackReport.PROOF_HEADING).append(":\n\n").append(Files.readString(outcome.proof().get()).strip());
        }
        return output.append('\n').toString();
    }
}
