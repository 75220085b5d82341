package dev.echokit.server;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Writes the server's event log: one line per event on standard error, after a UTC timestamp. */
final class Log {

    private static final long MILLIS_PER_DAY = 24 * 60 * 60 * 1000;

    // Lines collect in a buffer and go out in one write per turn of the loop (see flush).
    // System.err would make one system call per line, and in a storm of refusals the
    // server would spend more time logging than refusing.
    private static final PrintStream OUT = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 16 * 1024), false, StandardCharsets.UTF_8);

    // The thread that runs the loop: the last one to call flush. Its lines wait for the end of its
    // turn; a line from any other thread would wait for the loop to wake up, which may be seconds
    // away, so it goes out at once. (Before the loop's first turn, every line goes out at once.)
    private static volatile Thread loop;

    private Log() {
    }

    static void info(String event) {
        StringBuilder line = new StringBuilder(13 + event.length());
        appendTimeOfDay(line, System.currentTimeMillis());
        OUT.println(line.append(' ').append(event));
        if (Thread.currentThread() != loop) {
            OUT.flush();
        }
    }

    // HH:mm:ss.SSS in UTC, by arithmetic. UTC because the system time zone is read from a file
    // the first time it is needed, and a server out of file descriptors must still log; no
    // DateTimeFormatter because it allocates BigDecimals for the milliseconds on every line,
    // and in a storm of refusals that garbage made the GC pause (measured with Flight Recorder).
    private static void appendTimeOfDay(StringBuilder line, long epochMillis) {
        long millis = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        appendDigits(line, millis / 3_600_000, 2).append(':');
        appendDigits(line, millis / 60_000 % 60, 2).append(':');
        appendDigits(line, millis / 1000 % 60, 2).append('.');
        appendDigits(line, millis % 1000, 3);
    }

    private static StringBuilder appendDigits(StringBuilder line, long value, int digits) {
        for (long limit = 10; digits > 1; digits--, limit *= 10) {
            if (value < limit) {
                line.append('0');
            }
        }
        return line.append(value);
    }

    /** Writes out the lines logged so far; the loop calls it before it waits for the next event. */
    static void flush() {
        loop = Thread.currentThread();
        OUT.flush();
    }
}
