package dev.echokit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Readings of a process and of the kernel's socket tables from Linux's /proc. Each answer is
 * empty where /proc is missing (macOS, Windows), so callers say "not measured" rather than guess.
 */
public final class ProcFs {

    private ProcFs() {
    }

    /** Whether this machine has Linux's /proc to read. */
    public static boolean available() {
        return Files.isDirectory(Path.of("/proc/self/fd"));
    }

    public static OptionalInt openDescriptors(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return OptionalInt.of((int) fds.count());
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** Resident memory in KiB (VmRSS). */
    public static OptionalLong residentKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D+", "")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // No such process, or no /proc.
        }
        return OptionalLong.empty();
    }

    /** The inode of the socket listening on the TCP port, from /proc/net/tcp and tcp6; empty when none listens. */
    public static OptionalLong listeningSocket(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String row : Files.readAllLines(Path.of(table))) {
                    String[] f = row.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        return OptionalLong.of(Long.parseLong(f[9]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // No such table here; try the other.
            }
        }
        return OptionalLong.empty();
    }

    /** Whether the process holds the socket with this inode among its open descriptors. */
    public static boolean holdsSocket(long pid, long inode) {
        String wanted = "socket:[" + inode + "]";
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(wanted);
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether anything on this machine listens on the TCP port, from /proc/net/tcp and tcp6. */
    public static boolean isListening(int port) {
        return listeningSocket(port).isPresent();
    }
}
