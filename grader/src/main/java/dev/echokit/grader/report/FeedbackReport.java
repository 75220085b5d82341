package dev.echokit.grader.report;

import dev.echokit.grader.checks.Proof;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@code feedback.md}: what the learner would have read on the console, and the proof log, as Markdown. */
public final class FeedbackReport implements ReportWriter {

    /** What heads the proof log wherever the learner reads their feedback: feedback.md and PrairieLearn. */
    static final String PROOF_HEADING = "The lesson's proof: the server's log from the check \"" + Proof.CHECK + "\"";

    @Override
    public void write(Outcome outcome, Path outDir) throws IOException {
        Verdict verdict = outcome.verdict();
        StringBuilder md = new StringBuilder("# Grader feedback — ").append(verdict.target()).append("\n\n");
        md.append("Score: **").append(verdict.score()).append("/").append(verdict.maxScore()).append("**\n\n");
        md.append(fenced(Console.render(verdict, Optional.empty(), Optional.empty()).strip()));
        if (outcome.proof().isPresent()) {
            md.append("\n## ").append(PROOF_HEADING).append("\n\n")
                    .append(fenced(Files.readString(outcome.proof().get()).strip()));
        }
        JsonReport.writeText(outDir.resolve("feedback.md"), md.toString());
    }

    /**
     * Text inside a code fence longer than any run of backticks in it: whatever a server printed
     * stays quoted text in the feedback, never Markdown of its own (a fake score, a link).
     */
    static String fenced(String text) {
        int longest = 2;
        java.util.regex.Matcher run = java.util.regex.Pattern.compile("`+").matcher(text);
        while (run.find()) {
            longest = Math.max(longest, run.group().length());
        }
        String fence = "`".repeat(longest + 1);
        return fence + "text\n" + text + "\n" + fence + "\n";
    }
}
