package dev.echokit.grader;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A graded server running as a child process: its log captured line by line with timestamps, its
 * readiness detected, and its whole process tree killed on close, on failure, and on Ctrl-C.
 */
public final class RunningServer implements AutoCloseable {

    /** How long a server may take to start listening. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    /** Past this many log lines the server is flooding its output; the rest is counted, not kept. */
    static final int MAX_LOG_LINES = 20_000;

    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:]+:(\\d+)");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean exiting;

    static {
        // Ctrl-C on `mvn test`, or a check abandoned by its timeout, must not leave servers behind:
        // when the JVM exits, kill whatever is still running. A server that another thread starts
        // while this runs sees `exiting` and kills itself (see start).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exiting = true;
            LIVE.forEach(RunningServer::killTree);
        }, "grader-cleanup"));
    }

    private final Process process;
    private final long startNanos = System.nanoTime();
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private long droppedLines;
    private int port;

    private RunningServer(Process process) {
        this.process = process;
        LIVE.add(process);
        this.reader = new Thread(this::readLog, "grader-server-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the target with {@code --port P} and the given arguments, optionally under {@code ulimit -n}. */
    public static RunningServer start(Target target, List<String> args, Integer fileLimit) throws IOException {
        int port = target.isJava() ? 0 : freePort();
        List<String> command = new ArrayList<>();
        if (fileLimit != null) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "bash"));
        }
        command.addAll(target.launch());
        command.addAll(List.of("--port", Integer.toString(port)));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        RunningServer server = new RunningServer(process);
        server.port = port;
        if (exiting) {
            server.close();
            throw new IOException("the grader is exiting; not starting another server");
        }
        return server;
    }

    /** Starts the server and waits until it listens; the result says how that went, in words. */
    public static Started startAndAwait(Target target, List<String> args, Integer fileLimit)
            throws IOException, InterruptedException {
        RunningServer server = start(target, args, fileLimit);
        Optional<String> problem = server.awaitListening(START_TIMEOUT);
        return new Started(server, problem);
    }

    /** A server start: the server, and what went wrong if it is not listening. */
    public record Started(RunningServer server, Optional<String> problem) {
    }

    /**
     * Waits until the server listens: its {@code listening on HOST:PORT} line, or (for a program
     * that prints nothing) the kernel's table of listening sockets. Never connects, since a probe
     * connection would take one of the server's slots.
     */
    Optional<String> awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = find(LISTENING.asPredicate());
            if (line.isPresent()) {
                Matcher m = LISTENING.matcher(line.get());
                m.find();
                port = Integer.parseInt(m.group(1));
                return Optional.empty();
            }
            if (port != 0 && isListening(port)) {
                return Optional.empty();
            }
            if (!process.isAlive()) {
                awaitLogEnd();
                return Optional.of("the server exited with code " + process.exitValue()
                        + " before it was listening" + (lineCount() == 0 ? ", and printed nothing" : ""));
            }
            synchronized (this) {
                wait(20);
            }
        }
        return Optional.of("the server was not listening after " + timeout.toSeconds()
                + " s (no 'listening on' line, and no listening socket" + (port != 0 ? " on port " + port : "") + ")");
    }

    /** Whether anything on this machine listens on the TCP port, from /proc/net/tcp and tcp6 (Linux). */
    static boolean isListening(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String row : Files.readAllLines(Path.of(table))) {
                    String[] f = row.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // No such table here; try the other.
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** Whether the server has said it listens, or (for a command target) its port is listening. */
    public boolean isReady() {
        return find(LISTENING.asPredicate()).isPresent() || (port != 0 && isListening(port));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit; empty if it is still running after the timeout. */
    public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        awaitLogEnd();
        return Optional.of(process.exitValue());
    }

    private void awaitLogEnd() throws InterruptedException {
        reader.join(2000);
    }

    // ---- the log ------------------------------------------------------------------------------

    public synchronized List<String> log() {
        return List.copyOf(lines);
    }

    public synchronized int lineCount() {
        return lines.size();
    }

    public synchronized boolean isFlooding() {
        return droppedLines > 0;
    }

    public synchronized long droppedLines() {
        return droppedLines;
    }

    public synchronized Optional<String> find(Predicate<String> match) {
        return lines.stream().filter(match).findFirst();
    }

    public synchronized long count(Predicate<String> match) {
        return lines.stream().filter(match).count();
    }

    /** Waits until at least {@code wanted} lines match; false when the timeout passes first. */
    public synchronized boolean awaitLines(Predicate<String> match, long wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().filter(match).count() < wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                return lines.stream().filter(match).count() >= wanted;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        return true;
    }

    /** The last lines of the log, indented, for a failure message. */
    public String tail(int count) {
        List<String> all = log();
        if (all.isEmpty()) {
            return "    (the server printed nothing)";
        }
        List<String> last = all.subList(Math.max(0, all.size() - count), all.size());
        String shown = last.stream().map(line -> "    | " + line).collect(Collectors.joining("\n"));
        String more = all.size() > count ? "    | ... (" + (all.size() - count) + " earlier lines)\n" : "";
        String flood = isFlooding() ? "\n    | ... and " + droppedLines() + " more lines not kept: the server is flooding its output" : "";
        return more + shown + flood;
    }

    /** Writes the whole captured log to a file (the learner's proof). */
    public void saveLog(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> all = log();
        Files.write(file, all.stream().map(RunningServer::withoutClock).toList(), StandardCharsets.UTF_8);
    }

    private static String withoutClock(String line) {
        return line.replaceFirst("^\\[\\+\\d+ ms\\] ", "");
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                synchronized (this) {
                    if (lines.size() < MAX_LOG_LINES) {
                        lines.add("[+" + millis + " ms] " + (line.length() > 500 ? line.substring(0, 500) + "..." : line));
                    } else {
                        droppedLines++;
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process is gone; what was read stays.
        }
    }

    // ---- stopping -----------------------------------------------------------------------------

    /** Sends SIGTERM without closing our end of its output, so the shutdown lines can still be read. */
    public void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        killTree(process);
        LIVE.remove(process);
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killTree(Process process) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- Linux process figures ------------------------------------------------------------------

    /** The process that actually serves: for a shell command, the last descendant started. */
    public long serverPid() {
        return process.toHandle().descendants().map(ProcessHandle::pid).max(Long::compare).orElse(process.pid());
    }

    public int openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(serverPid()), "fd"))) {
            return (int) fds.count();
        }
    }

    public long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(serverPid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

}
