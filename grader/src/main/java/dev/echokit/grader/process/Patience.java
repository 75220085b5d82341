package dev.echokit.grader.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How long the grader waits for a server's answer, stretched with the machine's load: a deadline
 * that holds on an idle machine would, on saturated cores, fail a correct server or let a wrong one
 * through (a line that is merely late looks like a line that never comes). The base deadlines are
 * the idle machine's; under load they grow by the load per core, up to {@link #MAX_FACTOR} times.
 * Only deadlines stretch: every wait still ends at the event it waits for.
 */
public final class Patience {

    /** The most a deadline grows: past this, a slower answer is the server's, not the machine's. */
    public static final double MAX_FACTOR = 4;

    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final Path PRESSURE = Path.of("/proc/pressure/cpu");
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static volatile double cached = 1;
    private static volatile long cachedAt;

    private Patience() {
    }

    /** {@code base}, stretched by the machine's load right now. */
    public static Duration of(Duration base) {
        return Duration.ofMillis((long) Math.ceil(base.toMillis() * factor()));
    }

    /**
     * From 1 (idle) to {@link #MAX_FACTOR}: the highest of the load per core (the one-minute
     * average, and the tasks runnable right now, which rise at once when the load starts) and, on
     * Linux, the share of time runnable tasks waited for a core over the last ten seconds.
     * Read at most every half second.
     */
    public static double factor() {
        long now = System.nanoTime();
        if (now - cachedAt < 500_000_000L && cachedAt != 0) {
            return cached;
        }
        double load = Math.max(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 0) / CORES;
        try {
            if (Files.isReadable(LOADAVG)) {
                String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
                int runnable = Integer.parseInt(fields[3].substring(0, fields[3].indexOf('/')));
                load = Math.max(load, (runnable - 1) / (double) CORES); // less this reader
            }
            if (Files.isReadable(PRESSURE)) {
                for (String line : Files.readAllLines(PRESSURE)) {
                    if (line.startsWith("some ")) {
                        double waited = Double.parseDouble(line.replaceFirst(".*avg10=([0-9.]+).*", "$1")) / 100;
                        load = Math.max(load, 1 / Math.max(1 - waited, 0.01));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // No reading: the load average alone.
        }
        double factor = Math.min(MAX_FACTOR, Math.max(1, load));
        cached = factor;
        cachedAt = now;
        return factor;
    }
}
