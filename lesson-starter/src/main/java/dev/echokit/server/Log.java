package dev.echokit.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes the server's event log: one line per event on standard error, after a UTC timestamp. */
final class Log {

    // UTC on purpose: the system time zone is read from a file the first time it is
    // needed, and a server that has run out of file descriptors must still be able to log.
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Log() {
    }

    static void info(String format, Object... args) {
        System.err.println(TIME.format(Instant.now()) + " " + String.format(format, args));
    }
}
