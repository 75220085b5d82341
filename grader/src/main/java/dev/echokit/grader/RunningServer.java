package dev.echokit.grader;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A graded server running as a child process: started, watched until it listens, and killed with
 * its whole process tree on close, on failure, and when the grader's JVM exits.
 */
public final class RunningServer implements AutoCloseable {

    /** How long a server may take to start listening. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(10);

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
    private final ServerLog log = new ServerLog();
    private final Thread reader;
    private volatile int port;

    private RunningServer(Process process, int port) {
        this.process = process;
        this.port = port;
        LIVE.add(process);
        this.reader = new Thread(() -> log.readFrom(process.getInputStream()), "grader-server-log");
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
                .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
                .start();
        RunningServer server = new RunningServer(process, port);
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
        return new Started(server, server.awaitListening(START_TIMEOUT));
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
            if (isReady()) {
                return Optional.empty();
            }
            if (!process.isAlive()) {
                log.awaitEnd(Duration.ofSeconds(2));
                if (isReady()) {
                    return Optional.empty();
                }
                return Optional.of("the server exited with code " + process.exitValue()
                        + " before it was listening" + (log.size() == 0 ? ", and printed nothing" : ""));
            }
            log.await(LISTENING.asPredicate(), 1, Duration.ofMillis(20));
        }
        return Optional.of("the server was not listening after " + timeout.toSeconds()
                + " s (no 'listening on' line, and no listening socket" + (port != 0 ? " on port " + port : "") + ")");
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

    /** Whether the server has said it listens (taking the port from that line), or its port is listening. */
    public boolean isReady() {
        Optional<String> line = log.find(LISTENING.asPredicate());
        if (line.isPresent()) {
            Matcher m = LISTENING.matcher(line.get());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
            }
            return true;
        }
        return port != 0 && ProcFs.isListening(port);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ServerLog log() {
        return log;
    }

    /** Waits for the process to exit; empty if it is still running after the timeout. */
    public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        log.awaitEnd(Duration.ofSeconds(2));
        return Optional.of(process.exitValue());
    }

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

    /** The process that actually serves: for a shell command, the last descendant started. */
    public long serverPid() {
        return process.toHandle().descendants().map(ProcessHandle::pid).max(Long::compare).orElse(process.pid());
    }

    /** Open descriptors of the server (Linux only). */
    public OptionalInt openDescriptors() {
        return ProcFs.openDescriptors(serverPid());
    }

    /** CPU time the server has used so far, where the platform reports it (Linux, macOS, Windows). */
    public Optional<Duration> cpuTime() {
        return ProcessHandle.of(serverPid()).flatMap(handle -> handle.info().totalCpuDuration());
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }
}
