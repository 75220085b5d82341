package dev.echokit.grader.classroom;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.PartResult;
import dev.echokit.grader.report.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One submission's line in the table, as stored in its results folder ({@code row.json}).
 *
 * @param cells     per part: "10", "4", "0 (needs task 1)", "4/5", "not run"
 * @param reasons   per part that lost marks: the first failed check and its hint, in full words
 * @param codeHash  the server's sources with comments and spacing set aside, to spot identical ones
 */
public record Row(String submission, String gradedPath, int score, NotGraded notGraded,
                  Map<String, String> cells, Map<String, String> reasons, String codeHash) {

    /** The parts a classroom table shows: everything but stretch. */
    static final List<Part> PARTS = ConnectionLimits.LESSON.parts().stream().filter(p -> p.kind() != Part.Kind.STRETCH).toList();

    public String cell(Part part) {
        return cells.getOrDefault(part.tag(), "-");
    }

    boolean graded() {
        return notGraded == null;
    }

    /** The row of a submission that was not graded, and why. */
    static Row notGraded(String name, NotGraded why) {
        return new Row(name, "", 0, why, Map.of(), Map.of(), "");
    }

    /** The row of a graded submission: a cell per part, and the reason each part that lost marks lost them. */
    static Row of(String name, String gradedPath, Verdict verdict, NotGraded notGraded, String codeHash) {
        Map<String, String> cells = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Part part : PARTS) {
            cells.put(part.tag(), cellOf(verdict, part));
            reasonOf(verdict, part).ifPresent(reason -> reasons.put(part.tag(), reason));
        }
        return new Row(name, gradedPath, verdict.score(), notGraded, cells, reasons, codeHash);
    }

    /** "10", or "4" for a task that lost marks; "0 (needs task 1)" for one that could not be judged. */
    static String cellOf(Verdict verdict, Part part) {
        PartResult row = verdict.part(part).orElseThrow();
        if (row.ran() == 0) {
            return verdict.in(part).stream().anyMatch(c -> c.is(Status.NOT_APPLICABLE)) ? "n/a" : "not run";
        }
        String value = row.xpMax() > 0 ? Integer.toString(row.xp()) : row.passed() + "/" + (row.passed() + row.failed());
        if (row.failed() == 0 && row.needsTask() > 0) {
            return value + " (needs " + PartResult.needed(verdict.in(part)).stream().map(Part::shortName)
                    .collect(Collectors.joining(", ")) + ")";
        }
        return value;
    }

    /** The first failed check of the part, and its hint: whole words, never cut (feedback.md has the rest). */
    static Optional<String> reasonOf(Verdict verdict, Part part) {
        return verdict.in(part).stream().filter(c -> c.is(Status.FAILED)).findFirst().map(check -> {
            if (check.feedback() == null) {
                return check.name() + ": " + check.message().lines().findFirst().orElse("");
            }
            String hint = check.feedback().hint().isEmpty() ? check.feedback().got() : check.feedback().hint();
            return check.name() + ": " + hint;
        });
    }
}
