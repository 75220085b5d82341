package dev.echokit.grader.classroom;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The rows of a class as text: CSV for a spreadsheet, Markdown for reading, plain lines for the terminal. */
public final class TableText {

    private TableText() {
    }

    static String csv(List<Row> rows, Map<String, Learner> learners) {
        StringBuilder out = new StringBuilder(learners.isEmpty() ? "" : "id,name,email,");
        out.append("submission,score,max");
        for (Part part : Row.PARTS) {
            out.append(',').append(part.tag()).append(',').append(part.tag()).append(" reason");
        }
        out.append(",not graded,same code as\n");
        for (Row row : rows) {
            if (!learners.isEmpty()) {
                Learner l = learners.getOrDefault(row.submission(), new Learner(row.submission(), "", "", ""));
                out.append(csvCell(l.id())).append(',').append(csvCell(l.name())).append(',').append(csvCell(l.email())).append(',');
            }
            out.append(csvCell(row.submission())).append(',').append(row.score()).append(',').append(ConnectionLimits.LESSON.maxXp());
            for (Part part : Row.PARTS) {
                out.append(',').append(csvCell(row.cell(part))).append(',').append(csvCell(row.reasons().getOrDefault(part.tag(), "")));
            }
            out.append(',').append(csvCell(row.graded() ? "" : row.notGraded().words()))
                    .append(',').append(csvCell(String.join(" ", CodeHash.sameAs(row, rows)))).append('\n');
        }
        return out.toString();
    }

    static String markdown(List<Row> rows, Map<String, Learner> learners) {
        StringBuilder out = new StringBuilder("| submission | score |");
        Row.PARTS.forEach(part -> out.append(' ').append(part.shortName()).append(" |"));
        out.append(" notes |\n|").append(" --- |".repeat(Row.PARTS.size() + 3)).append('\n');
        for (Row row : rows) {
            Learner l = learners.get(row.submission());
            out.append("| ").append(l == null || l.name().isEmpty() ? row.submission() : l.name() + " (" + row.submission() + ")")
                    .append(" | ").append(row.graded() ? row.score() + "/" + ConnectionLimits.LESSON.maxXp() : "0/" + ConnectionLimits.LESSON.maxXp());
            for (Part part : Row.PARTS) {
                String reason = row.reasons().get(part.tag());
                out.append(" | ").append(md(row.cell(part) + (reason == null ? "" : " ✗ " + reason)));
            }
            out.append(" | ").append(md(notes(row, rows))).append(" |\n");
        }
        return out.toString();
    }

    /** The row's notes, the same in every table: why it is not graded, and code it shares with others. */
    static String notes(Row row, List<Row> rows) {
        List<String> notes = new ArrayList<>();
        if (!row.graded()) {
            notes.add(row.notGraded().words());
        }
        List<String> same = CodeHash.sameAs(row, rows);
        if (!same.isEmpty()) {
            notes.add("same code as " + String.join(", ", same) + " (comments and spacing aside): worth a look");
        }
        return String.join("; ", notes);
    }

    /** The table as plain text for the terminal. */
    public static String text(List<Row> rows) {
        return rows.stream().map(r -> String.format(Locale.ROOT, "  %-28s %2d/%d  %s", r.submission(), r.score(), ConnectionLimits.LESSON.maxXp(),
                        !r.graded() ? r.notGraded().words() : lostIn(r)).stripTrailing())
                .collect(Collectors.joining("\n"));
    }

    static String capitalised(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String lostIn(Row r) {
        List<String> lost = Row.PARTS.stream().filter(p -> r.reasons().containsKey(p.tag())).map(Part::shortName).toList();
        return lost.isEmpty() ? "" : "lost marks in: " + String.join(", ", lost);
    }

    private static String md(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
