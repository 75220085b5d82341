package dev.echokit.grader.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Java server printed as it crashed: the exception's first line (the innermost cause where
 * it was wrapped) and the first frame of it in the server's own code, not the JDK's or a library's.
 */
public record Crash(String exception, Optional<Frame> frame) {

    /** One {@code at pkg.Class.method(File.java:N)} line, or a Python traceback's {@code File "path", line N, in f}. */
    public record Frame(String className, String method, String file, int line) {

        /** As the trace printed it, for a frame in no graded Java file. */
        public String where() {
            return file.endsWith(".java") ? className + "." + method + "(" + file + ":" + line + ")"
                    : className + ", line " + line + ", in " + method;
        }
    }

    private static final Pattern PY_FRAME = Pattern.compile("^\\s*File \"([^\"]+)\", line (\\d+), in (\\S+)$");
    private static final Pattern PY_ERROR = Pattern.compile("^([A-Za-z_][\\w.]*(?:Error|Exception|Interrupt|Exit))(?:: .*)?$");

    private static final Pattern EXCEPTION = Pattern.compile(
            "^(?:Exception in thread \"[^\"]*\" |Caused by: )?((?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?:: .*)?)$");
    private static final Pattern AT = Pattern.compile("^\\s*at ((?:[\\w$]+\\.)*[\\w$]+)\\.([\\w$<>]+)\\(([\\w$]+\\.java):(\\d+)\\)$");
    private static final Pattern NOT_THEIRS = Pattern.compile("^(java|javax|jdk|sun|com\\.sun|picocli|org\\.slf4j)\\.");

    /** The last exception in the lines, and its first frame in the server's own code; empty when none was printed. */
    public static Optional<Crash> in(List<String> lines) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXCEPTION.matcher(lines.get(i).strip());
            // The innermost cause is printed last ("Caused by:"); a new exception starts a new trace.
            if (m.matches() && (start < 0 || lines.get(i).startsWith("Caused by: ") || !lines.get(i - 1).strip().startsWith("at "))) {
                start = i;
            }
        }
        if (start < 0) {
            return python(lines);
        }
        Matcher exception = EXCEPTION.matcher(lines.get(start).strip());
        exception.matches();
        Optional<Frame> theirs = Optional.empty();
        for (int i = start + 1; i < lines.size() && theirs.isEmpty(); i++) {
            Matcher at = AT.matcher(lines.get(i));
            if (!at.matches()) {
                if (!lines.get(i).strip().startsWith("...")) {
                    break; // the trace is over
                }
                continue;
            }
            if (!NOT_THEIRS.matcher(at.group(1)).find()) {
                theirs = Optional.of(new Frame(at.group(1), at.group(2), at.group(3), Integer.parseInt(at.group(4))));
            }
        }
        return Optional.of(new Crash(exception.group(1), theirs));
    }

    /** A Python traceback: its last frame outside the standard library, and the error line that ends it. */
    private static Optional<Crash> python(List<String> lines) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Traceback (most recent call last):")) {
                start = i;
            }
        }
        if (start < 0) {
            return Optional.empty();
        }
        Optional<Frame> theirs = Optional.empty();
        for (int i = start + 1; i < lines.size(); i++) {
            Matcher frame = PY_FRAME.matcher(lines.get(i));
            if (frame.matches()) {
                if (!frame.group(1).contains("/lib/python")) {
                    theirs = Optional.of(new Frame(frame.group(1), frame.group(3), Path.of(frame.group(1)).getFileName().toString(),
                            Integer.parseInt(frame.group(2))));
                }
                continue;
            }
            if (!lines.get(i).startsWith(" ") && PY_ERROR.matcher(lines.get(i)).matches()) {
                return Optional.of(new Crash(lines.get(i), theirs));
            }
        }
        return Optional.empty();
    }
}
