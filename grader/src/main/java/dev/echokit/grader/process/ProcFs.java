package dev.echokit.grader.process;

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

    /**
     * The server's side of the loopback connection from {@code clientPort} to {@code serverPort}, from
     * /proc/net/tcp and tcp6: {inode, bytes unread}. An inode of 0 means the connection waits in the
     * listener's queue, not yet accepted. Empty when there is no such established connection.
     */
    static java.util.Optional<long[]> serverSide(int serverPort, int clientPort) {
        String local = String.format(Locale.ROOT, ":%04X", serverPort);
        String remote = String.format(Locale.ROOT, ":%04X", clientPort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (java.util.stream.Stream<String> rows = Files.lines(Path.of(table))) {
                java.util.Optional<long[]> found = rows.map(row -> row.trim().split("\\s+"))
                        .filter(f -> f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote) && f[3].equals("01"))
                        .findFirst().map(f -> new long[] {Long.parseLong(f[9]), Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16)});
                if (found.isPresent()) {
                    return found;
                }
            } catch (IOException | RuntimeException e) {
                // No such table here; try the other.
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The established connections to {@code serverPort} that the server has accepted, by the client's
     * port: the inode of the server's side of each, from one read of /proc/net/tcp and tcp6.
     */
    static java.util.Map<Integer, Long> acceptedConnections(int serverPort) {
        String local = String.format(Locale.ROOT, ":%04X", serverPort);
        java.util.Map<Integer, Long> found = new java.util.HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (java.util.stream.Stream<String> rows = Files.lines(Path.of(table))) {
                rows.map(row -> row.trim().split("\\s+"))
                        .filter(f -> f.length > 9 && f[1].endsWith(local) && f[3].equals("01") && !f[9].equals("0"))
                        .forEach(f -> found.put(Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16), Long.parseLong(f[9])));
            } catch (IOException | RuntimeException e) {
                // No such table here; try the other.
            }
        }
        return found;
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

    /**
     * A Java virtual machine's own threads, by the name the kernel shows: the compilers, the
     * garbage collector and the VM's housekeeping. They work in bursts after traffic, which a busy
     * machine stretches out, and none of them is the server's loop.
     */
    private static final java.util.regex.Pattern VM_THREAD = java.util.regex.Pattern.compile(
            "^(C[12] CompilerThre|VM Thread|VM Periodic Tas|VM Operation|GC Thread|G1 |ParGC Thread|Sweeper thread|CodeCacheSweep"
                    + "|Service Thread|Monitor Deflati|Signal Dispatch|Reference Handl|Finalizer|Common-Cleaner|Notification Th"
                    + "|Attach Listener|JFR ).*");

    /** One thread's counters: nanoseconds on a core, nanoseconds waiting for one, and times it went to sleep of its own accord. */
    record ThreadCounters(long running, long waiting, long sleeps) {
    }

    /**
     * The counters of each thread of a process, from /proc/PID/task/TID/schedstat and status,
     * leaving out a JVM's own threads; empty when unreadable.
     */
    static java.util.Optional<java.util.Map<String, ThreadCounters>> threadCounters(long pid) {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(pid), "task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return java.util.Optional.empty();
        }
        java.util.Map<String, ThreadCounters> counters = new java.util.HashMap<>();
        try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path thread : threads.toList()) {
                try {
                    if (VM_THREAD.matcher(java.nio.file.Files.readString(thread.resolve("comm")).strip()).matches()) {
                        continue;
                    }
                    String[] fields = java.nio.file.Files.readString(thread.resolve("schedstat")).trim().split("\\s+");
                    long sleeps = java.nio.file.Files.readAllLines(thread.resolve("status")).stream()
                            .filter(line -> line.startsWith("voluntary_ctxt_switches:"))
                            .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip())).findFirst().orElse(0);
                    counters.put(thread.getFileName().toString(),
                            new ThreadCounters(Long.parseLong(fields[0]), Long.parseLong(fields[1]), sleeps));
                } catch (java.io.IOException | RuntimeException e) {
                    // a thread that ended while being read
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return counters.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(counters);
    }

    /** Whether every thread of the process is stopped (state T, as after SIGSTOP); false when unreadable. */
    static boolean stopped(long pid) {
        List<Character> states = threadStates(pid, true);
        return !states.isEmpty() && states.stream().allMatch(state -> state == 'T' || state == 't');
    }

    /**
     * Whether any of the process's own threads (a JVM's housekeeping threads left out) is on a core or
     * waiting for one right now (state R); empty when /proc cannot tell.
     */
    static java.util.Optional<Boolean> anyRunnable(long pid) {
        List<Character> states = threadStates(pid, false);
        return states.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(states.contains('R'));
    }

    /**
     * The process's own threads (a JVM's left out) right now: whether every one sleeps by its own
     * choice (S: not running or waiting for a core, not in the disk's uninterruptible wait, not
     * stopped, as when the grader pauses a server), and the time they have spent on a core so far.
     * Empty when the threads cannot be read.
     */
    record OwnThreads(boolean allSleeping, long cpuNanos) {
    }

    static java.util.Optional<OwnThreads> ownThreads(long pid) {
        boolean sleeping = true;
        long cpu = 0;
        int seen = 0;
        try (java.util.stream.Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads.toList()) {
                try {
                    if (VM_THREAD.matcher(Files.readString(thread.resolve("comm")).strip()).matches()) {
                        continue;
                    }
                    String stat = Files.readString(thread.resolve("stat"));
                    sleeping &= stat.charAt(stat.lastIndexOf(')') + 2) == 'S';
                    String schedstat = Files.readString(thread.resolve("schedstat"));
                    cpu += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    seen++;
                } catch (IOException | RuntimeException e) {
                    // a thread that ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return seen == 0 ? java.util.Optional.empty() : java.util.Optional.of(new OwnThreads(sleeping, cpu));
    }

    /** Whether every one of the process's own threads sleeps by its own choice right now (as {@link #ownThreads}), reading no further than the first that does not. */
    static boolean allSleeping(long pid) {
        try (java.util.stream.Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            int seen = 0;
            for (Path thread : threads.toList()) {
                try {
                    if (VM_THREAD.matcher(Files.readString(thread.resolve("comm")).strip()).matches()) {
                        continue;
                    }
                    String stat = Files.readString(thread.resolve("stat"));
                    if (stat.charAt(stat.lastIndexOf(')') + 2) != 'S') {
                        return false;
                    }
                    seen++;
                } catch (IOException | RuntimeException e) {
                    // a thread that ended while being read
                }
            }
            return seen > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The state letter of each thread of the process (with or without a JVM's own threads); empty when unreadable. */
    private static List<Character> threadStates(long pid, boolean vmThreads) {
        List<Character> states = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads.toList()) {
                try {
                    if (!vmThreads && VM_THREAD.matcher(Files.readString(thread.resolve("comm")).strip()).matches()) {
                        continue;
                    }
                    String stat = Files.readString(thread.resolve("stat"));
                    states.add(stat.charAt(stat.lastIndexOf(')') + 2));
                } catch (IOException | RuntimeException e) {
                    // a thread that ended while being read
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return states;
    }
}
