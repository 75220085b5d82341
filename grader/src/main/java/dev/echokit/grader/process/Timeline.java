package dev.echokit.grader.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a grading waits, for whoever tunes it: with {@code -Dechokit.timeline=FILE}, every wait of
 * at least 100 ms (a read, a start, a diagnosis) is written to FILE when the grader exits, as
 * "start (ms since the JVM started), length ms, thread, deadlines' stretch (Patience) then, what". Off by default, and then it costs one branch per wait.
 */
public final class Timeline {

    private static final String FILE = System.getProperty("echokit.timeline", "");
    /** The JVM's start, so that the first entries, recorded before this class was loaded, do not begin before zero. */
    private static final long ORIGIN = FILE.isEmpty() ? 0
            : System.nanoTime() - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
    private static final List<String> ENTRIES = new ArrayList<>();

    static {
        if (!FILE.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(Timeline::write, "grader-timeline"));
        }
    }

    private Timeline() {
    }

    /** Records a wait that began at {@code startNanos} (System.nanoTime) and ends now. */
    public static void waited(long startNanos, String what) {
        if (FILE.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (now - startNanos < 100_000_000L) {
            return;
        }
        synchronized (ENTRIES) {
            ENTRIES.add(String.format("%7d %6d %-28s x%.2f %s", (startNanos - ORIGIN) / 1_000_000, (now - startNanos) / 1_000_000,
                    Thread.currentThread().getName(), Patience.factor(), what));
        }
    }

    private static void write() {
        synchronized (ENTRIES) {
            if (ENTRIES.isEmpty()) {
                // This JVM waited for nothing: as root it only started the grading in a network of its own (GradingNetwork),
                // and the child, given the same property, writes the file; writing it here too once left it empty.
                return;
            }
            try {
                Files.write(Path.of(FILE), ENTRIES.stream().sorted().toList(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                // a tuning aid: nothing to report to
            }
        }
    }
}
