package dev.echokit.grader.checks;

import dev.echokit.grader.process.Patience;
import dev.echokit.grader.process.Probe;
import dev.echokit.grader.process.RunningServer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that writes and never reads, on a thread of its own, until the server stops taking its
 * bytes (the writes block) or it has written its total. Then the check resets it.
 */
final class GreedyWriter {

    private final AtomicLong written = new AtomicLong();
    private final Thread thread;

    private GreedyWriter(Probe client, long total) {
        this.thread = new Thread(() -> write(client, total), "grader-greedy-writer");
        thread.setDaemon(true);
    }

    /**
     * Writes up to {@code total} bytes and returns once the writes stall, or they finish, or
     * {@code limit} (stretched with the machine's load) passes. Stalled means no progress for
     * {@code stall} while the server's threads are seen asleep three times in a row (it stopped
     * reading by its own choice: a server merely waiting for a core shows as runnable); or, where
     * /proc cannot tell and as a bound everywhere, no progress for twice {@code stall} stretched with
     * the load, so that a server that was merely slow is not taken for one that stopped reading.
     */
    static GreedyWriter writeUntilStalled(Probe client, RunningServer server, long total, Duration stall, Duration limit) throws InterruptedException {
        GreedyWriter writer = new GreedyWriter(client, total);
        writer.thread.start();
        long deadline = System.nanoTime() + Patience.of(limit).toNanos();
        long quietSince = System.nanoTime();
        long before = -1;
        int asleep = 0;
        while (writer.thread.isAlive() && System.nanoTime() < deadline) {
            writer.thread.join(POLL.toMillis());
            long now = System.nanoTime();
            long written = writer.written.get();
            if (written != before) {
                before = written;
                quietSince = now;
                asleep = 0;
                continue;
            }
            asleep = server.wantsACore().filter(running -> !running).isPresent() ? asleep + 1 : 0;
            long quiet = now - quietSince;
            if (quiet >= stall.toNanos() && asleep >= 3 || quiet >= 2 * Patience.of(stall).toNanos()) {
                writer.stalled = writer.thread.isAlive();
                break;
            }
        }
        return writer;
    }

    private static final Duration POLL = Duration.ofMillis(50);

    private volatile boolean stalled;

    /** True when the writes stalled (see {@link #writeUntilStalled}): the server stopped reading from this client. */
    boolean stalled() {
        return stalled;
    }

    long mib() {
        return written.get() / (1024 * 1024);
    }

    /** Waits for the writer to end after the check reset the connection under it. */
    void awaitEnd() throws InterruptedException {
        thread.join(5000);
    }

    private void write(Probe client, long total) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = client.socket().getOutputStream();
            while (written.get() < total) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            // The check resets the connection when it is done.
        }
    }
}
