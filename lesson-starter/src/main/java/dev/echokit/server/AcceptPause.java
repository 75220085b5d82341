package dev.echokit.server;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * What the accept loop does when the process runs out of file descriptors. accept() then fails,
 * almost always with "Too many open files", and asking again at once would spin the CPU on the
 * same error. So the listener stops asking for a moment while the connections wait in the
 * kernel's backlog. Each episode is logged once when it starts, and once when it ends.
 */
final class AcceptPause {

    /** How long accepting pauses when the process has no file descriptor left for a new socket. */
    static final long MILLIS = 100;

    private final SelectionKey acceptKey;
    private boolean paused;
    private boolean outOfDescriptors;
    private long resumeAt;

    AcceptPause(SelectionKey acceptKey) {
        this.acceptKey = acceptKey;
    }

    /** accept() failed: stop asking until {@link #MILLIS} have passed. */
    void start(IOException cause) {
        if (!outOfDescriptors) {
            outOfDescriptors = true; // log once per episode, not once per retry
            Log.info("cannot accept: " + cause.getMessage() + "; retrying every " + MILLIS + " ms");
        }
        acceptKey.interestOps(0);
        paused = true;
        resumeAt = System.nanoTime() + MILLIS * 1_000_000;
    }

    /** accept() gave a connection: the episode, if there was one, is over. */
    void endEpisode() {
        if (outOfDescriptors) {
            outOfDescriptors = false;
            Log.info("accepting again");
        }
    }

    /** How long the loop's select() may wait: until a pause is over, or for ever (0). */
    long selectTimeoutMillis() {
        return paused ? MILLIS : 0;
    }

    /** Before each select(): a pause that is over lets the listener accept again. */
    void resumeIfDue() {
        if (paused && System.nanoTime() - resumeAt >= 0) {
            paused = false;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }
}
