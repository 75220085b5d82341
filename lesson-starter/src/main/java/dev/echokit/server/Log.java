package dev.echokit.server;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes the server's event log: one line per event on standard error, after a UTC timestamp. */
final class Log {

    // UTC on purpose: the system time zone is read from a file the first time it is
    // needed, and a server that has run out of file descriptors must still be able to log.
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    // Lines collect in a buffer and go out in one write per turn of the loop (see flush).
    // System.err would make one system call per line, and in a storm of refusals the
    // server would spend more time logging than refusing.
    private static final PrintStream OUT = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 16 * 1024), false, StandardCharsets.UTF_8);

    private Log() {
    }

    static void info(String event) {
        OUT.println(TIME.format(Instant.now()) + " " + event);
    }

    /** Writes out the lines logged so far; the loop calls it before it waits for the next event. */
    static void flush() {
        OUT.flush();
    }
}
