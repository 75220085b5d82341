package dev.echokit.grader.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which reports each way of running the grader writes, listed in one place. (A class's tables —
 * results.csv, .md, .html — are of many gradings, not one: they are ClassTable's, listed there.)
 */
public final class Reports {

    private Reports() {
    }

    /** {@code grader} on one server (and the Maven test that starts it): the JSON report, GitHub Classroom's runners, the console. */
    public static List<ReportWriter> command(ConsoleReport console) {
        return List.of(new JsonFileReport(), new ClassroomRunnersReport(), console);
    }

    /** Gradescope's autograder: its results.json, and the console for the staff's view of the output. */
    public static List<ReportWriter> gradescope(ConsoleReport console) {
        return List.of(new GradescopeReport(), console);
    }

    /** PrairieLearn's external grader: its results.json, and the console for the grading job's log. */
    public static List<ReportWriter> prairieLearn(ConsoleReport console) {
        return List.of(new PrairieLearnReport(), console);
    }

    /** One submission of a class: the JSON report, feedback.md and the proof log, in the submission's folder. */
    public static List<ReportWriter> classroomSubmission() {
        return List.of(new JsonFileReport(), new FeedbackReport(), new ProofLogReport());
    }

    /** Writes every report of the list, in order. */
    public static void write(List<ReportWriter> writers, Outcome outcome, Path outDir) throws IOException {
        for (ReportWriter writer : writers) {
            writer.write(outcome, outDir);
        }
    }
}
