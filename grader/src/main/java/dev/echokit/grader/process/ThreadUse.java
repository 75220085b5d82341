package dev.echokit.grader.process;

/** What one of the server's threads did over a measurement window: shares of the window on a core, and wanting one; its sleeps. */
public record ThreadUse(double running, double wanting, long sleeps) {
    /**
     * Whether this thread polls: it ran for more than {@code cpuPercent} of the window (seen on an
     * idle machine), or it wanted a core for at least half of it without once going to sleep of
     * its own accord (seen on a busy machine too, where it gets little CPU but never stops asking).
     * A loop that sleeps in select(), even for a millisecond at a time, goes to sleep each turn.
     */
    public boolean polls(int cpuPercent) {
        return running * 100 > cpuPercent || wanting >= 0.5 && sleeps < 10;
    }
}
