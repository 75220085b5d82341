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
     * One thread of a process as /proc shows it: its name and state read at once, anything else
     * only when asked, so a caller that stops at the first thread it needs reads no further.
     */
    static final class Task {
        private final Path dir;
        private final String name;
        private final char state;

        private Task(Path dir, String name, char state) {
            this.dir = dir;
            this.name = name;
            this.state = state;
        }

        /** The thread, or null when it ended before it could be read. */
        private static Task read(Path dir) {
            try {
                String stat = Files.readString(dir.resolve("stat"));
                return new Task(dir, Files.readString(dir.resolve("comm")).strip(), stat.charAt(stat.lastIndexOf(')') + 2));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** Not one of a JVM's own threads: the server's, or any thread of a program that is not a JVM. */
        boolean own() {
            return !VM_THREAD.matcher(name).matches();
        }

        /** The state letter: R running or waiting for a core, S asleep by its own choice, T stopped, and so on. */
        char state() {
            return state;
        }

        /** Nanoseconds on a core so far; empty when the thread has ended. */
        OptionalLong cpuNanos() {
            try {
                String schedstat = Files.readString(dir.resolve("schedstat"));
                return OptionalLong.of(Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty();
            }
        }

        /** See {@link ThreadCounters}; empty when the thread has ended. */
        java.util.Optional<ThreadCounters> counters() {
            try {
                String[] fields = Files.readString(dir.resolve("schedstat")).trim().split("\\s+");
                long sleeps = Files.readAllLines(dir.resolve("status")).stream()
                        .filter(line -> line.startsWith("voluntary_ctxt_switches:"))
                        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip())).findFirst().orElse(0);
                return java.util.Optional.of(new ThreadCounters(Long.parseLong(fields[0]), Long.parseLong(fields[1]), sleeps));
            } catch (IOException | RuntimeException e) {
                return java.util.Optional.empty();
            }
        }
    }

    /**
     * The threads of a process, each read as the stream reaches it; empty when the process is gone
     * or there is no /proc. A thread that ends while it is read is left out.
     */
    static java.util.stream.Stream<Task> tasks(long pid) {
        return threadDirs(pid).stream().map(Task::read).filter(java.util.Objects::nonNull);
    }

    /** The folders of a process's threads under /proc; empty when it is gone or there is no /proc. */
    private static List<Path> threadDirs(long pid) {
        try (java.util.stream.Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return threads.toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The processes this thread started, or null where the kernel keeps no children file. */
    private static List<Long> children(Path dir) {
        try {
            String pids = Files.readString(dir.resolve("children")).strip();
            return pids.isEmpty() ? List.of() : java.util.Arrays.stream(pids.split("\\s+")).map(Long::valueOf).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return Files.isDirectory(dir) ? null : List.of(); // a kernel without the file, or a thread that ended
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * The process and every process it started, the process first, from its threads' children files:
     * a read of the processes in the tree only, where the JDK's {@code descendants()} reads every
     * process on the machine. The JDK's answer where the kernel keeps no children file or there is no
     * /proc; empty once the process is gone.
     */
    static List<Long> tree(ProcessHandle root) {
        List<Long> pids = new java.util.ArrayList<>();
        pids.add(root.pid());
        for (int i = 0; i < pids.size(); i++) {
            long pid = pids.get(i);
            for (Path thread : threadDirs(pid)) {
                List<Long> children = children(thread);
                if (children == null) {
                    return java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants())
                            .filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
                }
                children.stream().filter(child -> !pids.contains(child)).forEach(pids::add);
            }
        }
        return root.isAlive() ? pids : List.of();
    }

    /**
     * The counters of each of a process's own threads (a JVM's left out), by thread id; empty when
     * unreadable.
     */
    static java.util.Optional<java.util.Map<String, ThreadCounters>> threadCounters(long pid) {
        java.util.Map<String, ThreadCounters> counters = new java.util.HashMap<>();
        tasks(pid).filter(Task::own).forEach(task -> task.counters().ifPresent(c -> counters.put(task.dir.getFileName().toString(), c)));
        return counters.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(counters);
    }

    /** Whether every thread of the process is stopped (state T, as after SIGSTOP); false when unreadable. */
    static boolean stopped(long pid) {
        List<Character> states = tasks(pid).map(Task::state).toList();
        return !states.isEmpty() && states.stream().allMatch(state -> state == 'T' || state == 't');
    }

    /**
     * Whether any of the process's own threads (a JVM's housekeeping threads left out) is on a core or
     * waiting for one right now (state R); empty when /proc cannot tell.
     */
    static java.util.Optional<Boolean> anyRunnable(long pid) {
        List<Character> states = tasks(pid).filter(Task::own).map(Task::state).toList();
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
        for (Task task : tasks(pid).filter(Task::own).toList()) {
            OptionalLong nanos = task.cpuNanos();
            if (nanos.isPresent()) {
                sleeping &= task.state() == 'S';
                cpu += nanos.getAsLong();
                seen++;
            }
        }
        return seen == 0 ? java.util.Optional.empty() : java.util.Optional.of(new OwnThreads(sleeping, cpu));
    }

    /** Whether every one of the process's own threads sleeps by its own choice right now (as {@link #ownThreads}), reading no further than the first that does not. */
    static boolean allSleeping(long pid) {
        java.util.Iterator<Task> own = tasks(pid).filter(Task::own).iterator();
        if (!own.hasNext()) {
            return false;
        }
        while (own.hasNext()) {
            if (own.next().state() != 'S') {
                return false;
            }
        }
        return true;
    }
}
