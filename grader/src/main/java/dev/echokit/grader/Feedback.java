package dev.echokit.grader;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the message of a failed check: what the grader did, what it expected, what the server
 * did, the end of the server's log, and where to look in the code and in the lesson.
 */
public final class Feedback {

    private final int task;   // 0 when the check belongs to no lesson task
    private String did = "";
    private String expected = "";
    private String got = "";
    private String hint = "";
    private RunningServer server;
    private Target target;

    private Feedback(int task) {
        this.task = task;
    }

    public static Feedback forTask(int task) {
        return new Feedback(task);
    }

    public Feedback did(String what) {
        this.did = what;
        return this;
    }

    public Feedback expected(String what) {
        this.expected = what;
        return this;
    }

    public Feedback got(String what) {
        this.got = what;
        return this;
    }

    public Feedback hint(String what) {
        this.hint = what;
        return this;
    }

    public Feedback server(RunningServer server) {
        this.server = server;
        return this;
    }

    public Feedback target(Target target) {
        this.target = target;
        return this;
    }

    public AssertionError error() {
        return new AssertionError(message());
    }

    public String message() {
        StringBuilder m = new StringBuilder();
        if (task > 0) {
            m.append("[task ").append(task).append("] ");
        }
        m.append(expected.isEmpty() ? "check failed" : "expected " + expected).append('\n');
        if (!did.isEmpty()) {
            m.append("  what the grader did: ").append(did).append('\n');
        }
        if (!got.isEmpty()) {
            m.append("  what the server did: ").append(got).append('\n');
        }
        if (!hint.isEmpty()) {
            m.append("  hint: ").append(hint).append('\n');
        }
        if (server != null) {
            m.append("  last lines of the server's log:\n").append(server.tail(8)).append('\n');
        }
        if (task > 0) {
            List<Target.Marker> markers = target == null ? List.of() : target.markers(task);
            if (!markers.isEmpty()) {
                m.append("  where to look: ").append(markers.stream()
                        .map(marker -> marker.location() + "  " + marker.text())
                        .collect(Collectors.joining("\n                 "))).append('\n');
            }
            m.append("  lesson: ").append(Lesson.PATH).append(", \"").append(Lesson.TASKS.get(task)).append("\"\n");
        }
        return m.toString().stripTrailing();
    }
}
