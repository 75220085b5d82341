package dev.echokit.grader.feedback;

import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.LogTail;
import dev.echokit.grader.process.Crash;
import dev.echokit.grader.process.Ending;
import dev.echokit.grader.process.LogLine;
import dev.echokit.grader.process.RunningServer;
import dev.echokit.grader.process.Target;
import java.util.List;
import java.util.Optional;

/**
 * What a failed check tells the learner: what the grader did, what it expected, what the server
 * did, a hint, the end of the server's log, and where to look in the code and the lesson.
 * Built fluently by a check; {@link #error()} freezes it into the failure that ends the check.
 */
public final class Feedback {

    /** How many lines of the server's log a failure shows. */
    static final int LOG_LINES = 6;

    private final Lesson lesson;
    private final Part part;
    private String did = "";
    private String expected = "";
    private String got = "";
    private String hint = "";
    private Terms hintTerms = Terms.ANY_LANGUAGE;
    private RunningServer server;
    private Target target;
    private LogTail log;
    private List<String> whereToLook = List.of();
    private dev.echokit.grader.lesson.Anchor[] cause;
    private boolean aboutItsLog;
    /** The place in the graded source of a crash's first frame in the learner's code, when there was one. */
    private String crashPlace;
    private Part charges;

    private Feedback(Lesson lesson, Part part) {
        this.lesson = lesson;
        this.part = part;
    }

    /** Feedback on a check of {@code part}; a task's names the lesson text it is quoted from. */
    public static Feedback forPart(Lesson lesson, Part part) {
        return new Feedback(lesson, part);
    }

    public Feedback did(String what) {
        this.did = what;
        return this;
    }

    /** For a broken architecture rule: the task whose own code breaks it, which pays for it (see {@code Verdict.chargedTask}). */
    public Feedback charging(Part task) {
        this.charges = task;
        return this;
    }

    /** See {@link #charging}. */
    public java.util.Optional<Part> charges() {
        return java.util.Optional.ofNullable(charges);
    }

    /**
     * The marks of the cause this check judges, when it is one of several its part's marks cover (a
     * stretch check about accept() is not about the refusal): "where to look" follows these alone.
     */
    public Feedback pointingAt(dev.echokit.grader.lesson.Anchor... cause) {
        this.cause = cause.clone();
        return this;
    }

    /** The places this failure itself points at (file:line with code), shown as "where to look" instead of the part's. */
    public Feedback at(List<String> places) {
        this.whereToLook = List.copyOf(places);
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

    /** Whose words a hint is in. */
    public enum Terms {
        /** Words that hold for a server in any language. */
        ANY_LANGUAGE,
        /** The lesson's Java: names from its code (Log.info, maxClients, picocli, the selector). */
        LESSON_JAVA
    }

    public Feedback hint(String what) {
        return hint(what, Terms.ANY_LANGUAGE);
    }

    /** A hint in {@code terms}: one in the lesson's Java is said to be so when the graded server is a command. */
    public Feedback hint(String what, Terms terms) {
        this.hint = what;
        this.hintTerms = terms;
        return this;
    }

    /**
     * This failure is about lines missing from the server's log. When the server printed no line at
     * all, the hint says what fits that instead of naming one line: a helper's server, whose output
     * sat in a buffer until it exited, was told in three tasks to log each event (it did).
     */
    public Feedback aboutItsLog() {
        this.aboutItsLog = true;
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

    /** The failure that ends the check, carrying this feedback (the log tail is read now). */
    public Failure error() {
        if (server != null) {
            server.settle(); // a server on its way out is given its moment, so that its ending is observed, not guessed
            // A server stopped at one of the grader's limits failed for that reason, whatever the check saw.
            server.stoppedAtLimit().ifPresent(limit -> {
                if (!got.contains(limit.what())) {
                    got = (got.isEmpty() ? "" : got + "; ") + limit.sentence();
                }
                hintTerms = Terms.ANY_LANGUAGE; // the ending's own words
                hint = "every graded server runs within limits (README, \"Limits\") and yours reached one:"
                        + " look for something that grows without end — processes, threads, memory, a busy loop, a file";
            });
            // A server whose process ended on its own, or that printed an exception trace: say so, from what was observed.
            if (server.stoppedAtLimit().isEmpty()) {
                crashed(server.endedOnItsOwn());
            }
            if (server.endedOnItsOwn().isEmpty() && server.stillRanASecondLater() && !got.contains("still running")) {
                got = (got.isEmpty() ? "" : got + "; ") + "its process was still running a second later";
            }
        }
        if (aboutItsLog && server != null && server.log().size() == 0 && server.log().dropped() == 0) {
            hint = "the server printed no line at all during this check: either it logs nothing yet, or its lines wait in an"
                    + " output buffer until it exits (flush after each line, or write them to standard error)";
            hintTerms = Terms.ANY_LANGUAGE;
        }
        if (hintTerms == Terms.LESSON_JAVA && target != null && !target.isJava() && !hint.isEmpty()) {
            hint = "in the lesson's Java (the same holds in yours): " + hint;
        }
        log = server == null ? null : server.log().tail(LOG_LINES, lesson.evidence());
        if (whereToLook.isEmpty()) {
            whereToLook = target == null ? List.of() : target.whereToLook(cause == null ? part : part.anchors(cause));
            if (crashPlace != null) { // the learner's own frame of the crash first: that is where it happened
                whereToLook = java.util.stream.Stream.concat(java.util.stream.Stream.of(crashPlace), whereToLook.stream())
                        .distinct().limit(4).toList();
            }
        }
        return new Failure(this);
    }

    /**
     * The crash, as observed: the exit code or signal if the process ended on its own, and a Java
     * server's exception with its first frame in the learner's code if its output holds one.
     */
    private void crashed(Optional<Ending> ending) {
        Optional<Crash> crash = Crash.in(server.log().lines().stream().map(LogLine::text).toList());
        if (ending.isEmpty() && crash.isEmpty()) {
            return;
        }
        String thrown = crash.map(c -> c.exception() + c.frame().map(f -> ", at " + target().flatMap(t -> t.place(f))
                .orElse(f.where())).orElse("")).orElse("");
        crashPlace = crash.flatMap(Crash::frame).flatMap(f -> target().flatMap(t -> t.place(f))).orElse(null);
        if (server.exitToldByCheck()) {
            // The check saw the exit and says what it means; a trace the server printed still belongs beside it.
            if (crash.isPresent()) {
                got = (got.isEmpty() ? "" : got + "; ") + "the server printed " + thrown;
            }
            return;
        }
        String how = ending.map(e -> "the server's process " + e.words() + (thrown.isEmpty() ? "" : ": " + thrown))
                .orElse("the server printed " + thrown);
        got = (got.isEmpty() ? "" : got + "; ") + how;
        if (crash.isPresent()) {
            hintTerms = Terms.ANY_LANGUAGE; // the ending's own words
            String name = crash.get().exception().replaceFirst(":.*", "");
            String where = crash.get().frame().map(f -> " in " + (f.file().endsWith(".java") ? f.className().replaceFirst(".*\\.", "") + "." : "")
                    + f.method() + ", line " + f.line()).orElse("");
            // What the exception ended is what was observed: the whole process, or (it still runs) the thread that threw.
            boolean whole = ending.isPresent();
            hint = (whole ? "the server crashed with " + name + where + ": an exception that escapes the loop ends the whole server, every client with it."
                    : "the server printed " + name + where + ", and its process went on: the exception ended the thread or handler that threw it,"
                    + " and whatever that one was doing (its client's echo, its count down) was never done.")
                    + (crash.get().exception().contains("attachment()\" is null")
                    ? " A selection key had no attachment: a channel was registered without its Connection (a refused client is"
                            + " never registered: write the line and close it)"
                    : CLIENT_LEFT.matcher(crash.get().exception()).find()
                    ? " A reset or a broken pipe is a normal way for a client to leave: catch it around that client's reads and writes,"
                            + " close that client and free its slot"
                    : " Fix the cause at that line (the message says what went wrong); catching the exception would only hide it");
        } else {
            Ending e = ending.orElseThrow();
            hintTerms = Terms.ANY_LANGUAGE; // the ending's own words
            hint = e.meaning().map(m -> "the server's process was killed by " + e.signal().orElseThrow() + ": " + m)
                    .orElse("the server's process ended by itself during the check (exit code " + e.exitCode()
                            + "): its last lines below may say why; a server exits only when it is told to stop");
        }
    }

    /** Exceptions that mean the client went away (Java's, Python's, Node's words): a departure to handle, not a bug to fix. */
    private static final java.util.regex.Pattern CLIENT_LEFT = java.util.regex.Pattern.compile(
            "(?i)Connection ?reset|Broken ?pipe|ECONNRESET|EPIPE|ClosedChannel|AsynchronousClose|SocketException|Connection ?aborted");

    private Optional<Target> target() {
        return Optional.ofNullable(target);
    }

    public Part part() {
        return part;
    }

    public String did() {
        return did;
    }

    public String expected() {
        return expected;
    }

    public String got() {
        return got;
    }

    public String hint() {
        return hint;
    }

    /** The end of the server's log; empty when no server ran. */
    public Optional<LogTail> log() {
        return Optional.ofNullable(log);
    }

    /** file:line places in the graded source, or one sentence saying there is no source. */
    public List<String> whereToLook() {
        return whereToLook;
    }

    /** The lesson whose text a task's failure points to. */
    Lesson lesson() {
        return lesson;
    }

    /** The whole feedback as text, worded by {@link FailureText}: the message of the failure and of the JSON report. */
    public String message() {
        return FailureText.message(part, FailureText.of(this));
    }

    /** A check's failure with the grader's feedback: what the listener reports and the console prints. */
    public static final class Failure extends AssertionError {

        private static final long serialVersionUID = 1L;

        private final transient Feedback feedback;

        Failure(Feedback feedback) {
            super(feedback.message());
            this.feedback = feedback;
            setStackTrace(new StackTraceElement[0]); // the message is the whole story
        }

        public Feedback feedback() {
            return feedback;
        }
    }
}
