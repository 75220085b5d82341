package dev.echokit.grader.feedback;

import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.LogTail;
import java.util.ArrayList;
import java.util.List;

/**
 * The one wording of a failed check's feedback: every surface (console, feedback.md, the JSON
 * report, Gradescope) takes its labels and its order from here, and only lays them out.
 */
public final class FailureText {

    /** One part of a failure, with the words that label it everywhere. */
    public enum Field {
        EXPECTED("expected"),
        DID("what the grader did"),
        GOT("what the server did"),
        HINT("hint"),
        LOG("server log"),
        WHERE("where to look"),
        LESSON("lesson");

        private final String label;

        Field(String label) {
            this.label = label;
        }

        /** The label as it is printed: "what the server did:". */
        public String label() {
            return label + ":";
        }
    }

    /** A field that has something to say, line by line. */
    public record Entry(Field field, List<String> lines) {
    }

    /** The fields of one check's failure, in the order every surface shows them (the lesson line for a task only). */
    public static List<Entry> of(Feedback f) {
        List<Entry> out = new ArrayList<>();
        add(out, Field.EXPECTED, f.expected());
        add(out, Field.DID, f.did());
        add(out, Field.GOT, f.got());
        add(out, Field.HINT, f.hint());
        f.log().ifPresent(tail -> out.add(new Entry(Field.LOG, lines(tail))));
        if (!f.whereToLook().isEmpty()) {
            out.add(new Entry(Field.WHERE, f.whereToLook()));
        }
        if (f.part().isTask()) {
            out.add(new Entry(Field.LESSON, List.of(f.lesson().text() + ", \"" + f.part().heading() + "\"")));
        }
        return out;
    }

    /** The end of a log, each line marked "| " with its time, and a note on earlier and dropped lines. */
    public static List<String> lines(LogTail tail) {
        List<String> out = new ArrayList<>();
        if (tail.shown().isEmpty()) {
            out.add("(the server printed nothing)");
            return out;
        }
        for (LogTail.Shown shown : tail.shown()) {
            if (shown.skipped() > 0) {
                out.add("| ... (" + shown.skipped() + (shown.skipped() == 1 ? " line" : " lines") + " not shown)");
            }
            out.add("| " + shown.line().stamped() + (shown.alike() == 0 ? ""
                    : "   (the last of " + (shown.alike() + 1) + " like it)"));
        }
        if (tail.after() > 0) {
            out.add("| ... (" + tail.after() + (tail.after() == 1 ? " more line" : " more lines") + " of the trace not shown)");
        }
        if (tail.dropped() > 0) {
            out.add("| ... and " + tail.dropped() + " more lines not kept: the server is flooding its output");
        }
        return out;
    }

    private static void add(List<Entry> out, Field field, String text) {
        if (!text.isEmpty()) {
            out.add(new Entry(field, text.lines().toList()));
        }
    }

    /** Where an aligned value starts: after the longest label and two spaces. */
    private static final int WIDTH = java.util.Arrays.stream(Field.values()).mapToInt(f -> f.label().length()).max().orElse(0) + 2;

    /**
     * The entries as a column of labels, every value starting at the same place and every line
     * under {@code indent}: the console's layout, and feedback.md's inside a fence.
     */
    public static List<String> aligned(List<Entry> entries, String indent) {
        int width = WIDTH;
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            String label = e.field().label();
            for (int i = 0; i < e.lines().size(); i++) {
                String head = i == 0 ? label + " ".repeat(width - label.length()) : " ".repeat(width);
                out.add(indent + head + e.lines().get(i));
            }
        }
        return out;
    }

    /**
     * The entries as one message, the expectation first ("[task 1] expected …") and each other
     * field on its own labelled line: the failure's message, the JSON report's and Gradescope's.
     */
    public static String message(Part part, List<Entry> entries) {
        List<String> m = new ArrayList<>();
        String expected = entries.stream().filter(e -> e.field() == Field.EXPECTED).findFirst()
                .map(e -> Field.EXPECTED.label + " " + String.join("\n", e.lines())).orElse("check failed");
        m.add((part.isTask() ? "[" + part.shortName() + "] " : "") + expected);
        for (Entry e : entries) {
            if (e.field() == Field.LOG) {
                m.add("  " + e.field().label());
                e.lines().forEach(line -> m.add("    " + line));
            } else if (e.field() != Field.EXPECTED) {
                String under = "\n  " + " ".repeat(e.field().label().length() + 1);
                m.add("  " + e.field().label() + " " + String.join(e.field() == Field.WHERE ? under : "\n", e.lines()));
            }
        }
        return String.join("\n", m);
    }

    private FailureText() {
    }
}
