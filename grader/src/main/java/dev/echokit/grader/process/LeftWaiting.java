package dev.echokit.grader.process;

import java.util.Optional;

/**
 * Whether a client is being left waiting for good, judged from what Linux's /proc showed at each
 * poll of one read ({@link RunningServer#leavesWaiting}): the server's side of the connection left
 * open with every thread of its own asleep for {@code asleepFor}, or while its threads spent
 * {@code busyFor} on a core. Pure: recorded polls are judged in a test without a server.
 */
final class LeftWaiting {

    private final long busyNanos;
    private boolean asleep;
    private long asleepSince;
    private boolean counting;
    private long cpuFrom;

    LeftWaiting(long busyNanos) {
        this.busyNanos = busyNanos;
    }

    /** The client got bytes: whatever was seen before is no longer the story. */
    void answered() {
        asleep = false;
        counting = false;
    }

    /**
     * One poll, at {@code now} (nanoseconds): what /proc showed (empty: the client is not left
     * waiting), and how long the server must sleep through it right now (stretched with the load).
     * Returns what was seen, in words, once it is enough to stop waiting.
     */
    Optional<Probe.Unanswered> poll(Optional<RunningServer.Waiting> seen, long received, long now, long asleepNanos) {
        if (seen.isEmpty()) {
            answered();
            return Optional.empty();
        }
        RunningServer.Waiting waiting = seen.get();
        if (!counting) {
            counting = true;
            cpuFrom = waiting.cpuNanos();
        }
        if (waiting.asleep() && !asleep) {
            asleepSince = now;
        }
        asleep = waiting.asleep();
        if (asleep && now - asleepSince >= asleepNanos) {
            return Optional.of(new Probe.Unanswered(waiting.accepted(), waiting.what(received) + ", and every one of its threads was asleep for "
                    + (now - asleepSince) / 1_000_000 + " ms"));
        }
        long ran = waiting.cpuNanos() - cpuFrom;
        if (ran >= busyNanos) {
            return Optional.of(new Probe.Unanswered(waiting.accepted(), waiting.what(received) + ", while its threads ran on a core for "
                    + ran / 1_000_000 + " ms (its loop spins, or is busy with something else)"));
        }
        return Optional.empty();
    }
}
