package dev.echokit.grader.checks;

import dev.echokit.grader.process.Probe;
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
     * Writes up to {@code total} bytes and returns once the writes stall — no progress for
     * {@code stall}, stretched with the machine's load, twice in a row, so that a server that was
     * merely waiting for a core is not taken for one that stopped reading — or they finish, or
     * {@code limit} passes.
     */
    static GreedyWriter writeUntilStalled(Probe client, long total, Duration stall, Duration limit) throws InterruptedException {
        GreedyWriter writer = new GreedyWriter(client, total);
        writer.thread.start();
        long deadline = System.nanoTime() + dev.echokit.grader.process.Patience.of(limit).toNanos();
        int quietWindows = 0;
        while (quietWindows < 2 && writer.thread.isAlive() && System.nanoTime() < deadline) {
            long before = writer.written.get();
            writer.thread.join(dev.echokit.grader.process.Patience.of(stall).toMillis());
            quietWindows = writer.written.get() == before ? quietWindows + 1 : 0;
        }
        writer.stalled = quietWindows >= 2 && writer.thread.isAlive();
        return writer;
    }

    private volatile boolean stalled;

    /** True when the writer was blocked for two quiet windows in a row: the server stopped reading from this client. */
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
