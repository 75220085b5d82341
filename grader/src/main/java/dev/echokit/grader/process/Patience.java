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
     * From 1 (idle) to {@link #MAX_FACTOR}: the tasks runnable right now per core, less the graded
     * servers' own running threads and this reader. Where /proc does not tell that, the one-minute
     * load average per core. Read at most every half second.
     *
     * <p>Only the load of others stretches a deadline. The grading's own servers are not counted,
     * and no average over the past is: those once made a grading wait two to four times longer
     * than it needed, for load it had made itself a moment before (a learner grading again and
     * again waited for the previous run's load). The grader's own threads still count, and so does
     * anything else on the machine, a class's other gradings included.
     */
    public static double factor() {
        long now = System.nanoTime();
        if (now - cachedAt < 500_000_000L && cachedAt != 0) {
            return cached;
        }
        double load;
        try {
            String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
            int runnable = Integer.parseInt(fields[3].substring(0, fields[3].indexOf('/')));
            load = (runnable - 1 - serversRunning()) / (double) CORES; // less this reader
        } catch (IOException | RuntimeException e) {
            load = Math.max(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 0) / CORES;
        }
        double factor = Math.min(MAX_FACTOR, Math.max(1, load));
        cached = factor;
        cachedAt = now;
        return factor;
    }

    /** Threads of this grader's descendants (its servers) running or runnable right now, from /proc. */
    private static int serversRunning() {
        return (int) ProcFs.tree(ProcessHandle.current()).stream().skip(1)
                .mapToLong(pid -> ProcFs.tasks(pid).filter(task -> task.state() == 'R').count()).sum();
    }
}
