package dev.echokit.grader.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a graded server printed, line by line, each with the time since it started ({@link LogLine}). Capped,
 * so that a server flooding its output costs the grader a count, not its memory.
 */
public final class ServerLog {

    /** Past this many lines the server is flooding its output; the rest is counted, not kept. */
    static final int MAX_LINES = 20_000;

    private final long startNanos = System.nanoTime();
    private final List<LogLine> lines = new ArrayList<>();
    private long dropped;
    private boolean ended;
    /**
     * The first "listening on" line, when it came past the cap: kept all the same, so that a server
     * that floods before it says it is ready is found ready (by every reader of this log) the same
     * whether the grader was fast or slow to read the flood.
     */
    private LogLine lateListening;
    private boolean listeningKept;

    /** Longest line kept; the rest of a longer one is skipped, never held in memory. */
    static final int MAX_LINE = 500;

    /**
     * Reads the stream to its end on the calling thread; a line ends at LF, CR LF or CR. However
     * much a server prints, and however long its lines, the grader holds at most {@link #MAX_LINES}
     * lines of {@link #MAX_LINE} characters.
     */
    void readFrom(InputStream output) {
        try (InputStream in = output) {
            byte[] chunk = new byte[8192];
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            boolean cut = false;
            boolean afterCr = false;
            for (int n; (n = in.read(chunk)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n' && afterCr) {
                        afterCr = false;
                        continue;
                    }
                    afterCr = b == '\r';
                    if (b == '\n' || b == '\r') {
                        add(text(line, cut));
                        line.reset();
                        cut = false;
                    } else if (line.size() < MAX_LINE * 4) { // room for MAX_LINE characters of UTF-8
                        line.write(b);
                    } else {
                        cut = true;
                    }
                }
            }
            if (line.size() > 0) {
                add(text(line, cut));
            }
        } catch (IOException e) {
            // The process is gone; what was read stays.
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /**
     * A line as the learner will read it: decoded as UTF-8, control characters (a terminal's escape
     * sequences, a carriage return that would overwrite the grader's own output) shown as '?'.
     */
    private static String text(java.io.ByteArrayOutputStream bytes, boolean cut) {
        String decoded = bytes.toString(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(Math.min(decoded.length(), MAX_LINE) + 3);
        decoded.codePoints().limit(MAX_LINE).forEach(c -> {
            if (Character.isISOControl(c) && c != '\t' || c == 0x2028 || c == 0x2029 || c == 0xFEFF || c >= 0x202A && c <= 0x202E) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        return cut || decoded.codePointCount(0, decoded.length()) > MAX_LINE ? out + "..." : out.toString();
    }

    private synchronized void add(String line) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        if (lines.size() >= MAX_LINES) {
            dropped++;
            if (lateListening == null && !listeningKept && line.contains("listening on")) {
                lateListening = new LogLine(millis, line);
                notifyAll();
            }
            return;
        }
        lines.add(new LogLine(millis, line));
        listeningKept |= line.contains("listening on");
        notifyAll();
    }

    /** The kept lines, and the listening line if it came past the cap. */
    private List<LogLine> all() {
        if (lateListening == null) {
            return lines;
        }
        List<LogLine> all = new ArrayList<>(lines);
        all.add(lateListening);
        return all;
    }

    public synchronized List<LogLine> lines() {
        return List.copyOf(all());
    }

    public synchronized int size() {
        return lines.size();
    }

    /** Lines printed past the cap: more than zero means the server floods its output. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The first line whose text matches. */
    public synchronized Optional<LogLine> find(Predicate<String> text) {
        return all().stream().filter(line -> text.test(line.text())).findFirst();
    }

    /** Every line whose text matches, in order. */
    public synchronized List<LogLine> matching(Predicate<String> text) {
        return all().stream().filter(line -> text.test(line.text())).toList();
    }

    private long count(Predicate<String> text) {
        return all().stream().filter(line -> text.test(line.text())).count();
    }

    /** Waits until the text of at least {@code wanted} lines matches; false when the timeout passes or the output ends first. */
    public synchronized boolean await(Predicate<String> text, long wanted, Duration timeout) throws InterruptedException {
        long began = System.nanoTime();
        long deadline = began + timeout.toNanos();
        while (count(text) < wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                Timeline.waited(began, "log await " + wanted + " lines: " + (count(text) >= wanted ? "came" : "timed out"));
                return count(text) >= wanted;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Waits until no line has come for {@code quiet}, or {@code limit} has passed; true when it went quiet. */
    public synchronized boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            int before = lines.size() + (int) Math.min(dropped, Integer.MAX_VALUE);
            long quietUntil = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < quietUntil && lines.size() + dropped == before) {
                TimeUnit.NANOSECONDS.timedWait(this, quietUntil - System.nanoTime());
            }
            if (lines.size() + dropped == before) {
                return true;
            }
            if (System.nanoTime() >= deadline || ended) {
                return false;
            }
        }
    }

    /** Whether the server's output has ended: its process closed it, or is gone. */
    synchronized boolean ended() {
        return ended;
    }

    synchronized void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && deadline - System.nanoTime() > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
    }

    /** The last {@code count} lines, with how many came before them and how many were not kept. */
    public LogTail tail(int count) {
        return tail(count, List.of());
    }

    /** A line's shape: its text with times of day and HOST:PORT peers taken out, counts kept. */
    private static final java.util.regex.Pattern NOT_SHAPE = java.util.regex.Pattern.compile(
            "\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?|\\[?[0-9a-fA-F:.]+\\]?:\\d{1,5}\\b");

    /** A line of a Java stack trace below its exception: a frame, or "... 3 more". */
    private static final java.util.regex.Pattern FRAME = java.util.regex.Pattern.compile("^\\s+(?:at \\S+\\(|\\.\\.\\. \\d+ more)");
    /** A frame of the JDK or of a library the graded code calls: not where a learner looks. */
    private static final java.util.regex.Pattern LIBRARY_FRAME = java.util.regex.Pattern.compile(
            "^\\s+at (?:java|javax|jdk|sun|com\\.sun|picocli|org\\.slf4j|ch\\.qos)\\.|^\\s+\\.\\.\\. \\d+ more");

    /**
     * The last {@code count} runs of lines, a run being lines of the same shape in a row (a hundred
     * refusals alike read as one line, "the last of 100 like it"), plus the last line holding each of
     * {@code evidence}'s words where it came before them: the accepted, closed and rejected lines
     * whose counts show a mistake must not be pushed out by the lines after them. Of a stack trace,
     * only the exception's line and the first frame outside the JDK and libraries (the server's own
     * code) are candidates: the frames of picocli and the JDK never push out the line that matters.
     */
    public synchronized LogTail tail(int count, List<String> evidence) {
        List<Integer> candidates = new ArrayList<>();
        boolean ownFrameShown = false;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).text();
            if (!FRAME.matcher(text).find()) {
                ownFrameShown = false;
                candidates.add(i);
            } else if (!ownFrameShown && !LIBRARY_FRAME.matcher(text).find()) {
                ownFrameShown = true;
                candidates.add(i);
            }
        }
        List<int[]> runs = new ArrayList<>(); // {first candidate, length}
        String shape = null;
        for (int c = 0; c < candidates.size(); c++) {
            String now = NOT_SHAPE.matcher(lines.get(candidates.get(c)).text()).replaceAll("");
            boolean adjacent = c > 0 && candidates.get(c) == candidates.get(c - 1) + 1;
            if (now.equals(shape) && adjacent) {
                runs.get(runs.size() - 1)[1]++;
            } else {
                runs.add(new int[] {c, 1});
                shape = now;
            }
        }
        java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
        for (int r = Math.max(0, runs.size() - count); r < runs.size(); r++) {
            chosen.add(r);
        }
        int firstChosen = chosen.isEmpty() ? runs.size() : chosen.first();
        for (String words : evidence) {
            for (int r = firstChosen - 1; r >= 0; r--) {
                if (lines.get(candidates.get(runs.get(r)[0])).text().contains(words)) {
                    chosen.add(r);
                    break;
                }
            }
        }
        List<LogTail.Shown> shown = new ArrayList<>();
        int next = 0; // the first line not yet shown or skipped
        for (int r : chosen) {
            int[] run = runs.get(r);
            int first = candidates.get(run[0]);
            int last = candidates.get(run[0] + run[1] - 1);
            // A run shows its last line: the latest of its kind, often the very line a failure quotes.
            shown.add(new LogTail.Shown(lines.get(last), run[1] - 1, first - next));
            next = last + 1;
        }
        return new LogTail(List.copyOf(shown), lines.size() - next, dropped);
    }

    /** Writes the whole log without the grader's time marks: the learner's proof. */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines().stream().map(LogLine::text).toList(),
                StandardCharsets.UTF_8);
    }
}
