package dev.echokit.grader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * What a graded server printed, line by line, each marked with the time since it started. Capped,
 * so that a server flooding its output costs the grader a count, not its memory.
 */
public final class ServerLog {

    /** Past this many lines the server is flooding its output; the rest is counted, not kept. */
    static final int MAX_LINES = 20_000;

    private final long startNanos = System.nanoTime();
    private final List<String> lines = new ArrayList<>();
    private long dropped;
    private boolean ended;

    /** Reads the stream to its end on the calling thread; any line separator is fine. */
    void readFrom(InputStream output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                add(line);
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

    private synchronized void add(String line) {
        if (lines.size() >= MAX_LINES) {
            dropped++;
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        lines.add("[+" + millis + " ms] " + (line.length() > 500 ? line.substring(0, 500) + "..." : line));
        notifyAll();
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized int size() {
        return lines.size();
    }

    /** Lines printed past the cap: more than zero means the server floods its output. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized Optional<String> find(Predicate<String> match) {
        return lines.stream().filter(match).findFirst();
    }

    public synchronized List<String> matching(Predicate<String> match) {
        return lines.stream().filter(match).toList();
    }

    /** Waits until at least {@code wanted} lines match; false when the timeout passes or the output ends first. */
    public synchronized boolean await(Predicate<String> match, long wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().filter(match).count() < wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                return lines.stream().filter(match).count() >= wanted;
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

    synchronized void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && deadline - System.nanoTime() > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
        }
    }

    /** The last lines, marked up for a failure message ("| line"), with a note on earlier and dropped lines. */
    public synchronized List<String> tail(int count) {
        List<String> out = new ArrayList<>();
        if (lines.isEmpty()) {
            out.add("(the server printed nothing)");
            return out;
        }
        if (lines.size() > count) {
            out.add("| ... (" + (lines.size() - count) + " earlier lines)");
        }
        lines.subList(Math.max(0, lines.size() - count), lines.size()).forEach(line -> out.add("| " + line));
        if (dropped > 0) {
            out.add("| ... and " + dropped + " more lines not kept: the server is flooding its output");
        }
        return out;
    }

    /** Writes the whole log without the grader's time marks: the learner's proof. */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines().stream().map(line -> line.replaceFirst("^\\[\\+\\d+ ms\\] ", "")).toList(),
                StandardCharsets.UTF_8);
    }
}
