package dev.echokit.grader.checks;

import dev.echokit.grader.Probe;
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
     * {@code stall} — or they finish, or {@code limit} passes.
     */
    static GreedyWriter writeUntilStalled(Probe client, long total, Duration stall, Duration limit) throws InterruptedException {
        GreedyWriter writer = new GreedyWriter(client, total);
        writer.thread.start();
        long deadline = System.nanoTime() + limit.toNanos();
        long last = -1;
        while (writer.written.get() != last && writer.thread.isAlive() && System.nanoTime() < deadline) {
            last = writer.written.get();
            writer.thread.join(stall.toMillis());
        }
        return writer;
    }

    /** True while the writer is blocked: the server stopped reading from this client. */
    boolean stalled() {
        return thread.isAlive();
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
