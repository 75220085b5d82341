package dev.echokit.grader;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
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

    /**
     * Every server is started from this one thread, which lives as long as the JVM. Linux sends a
     * child's parent-death signal when the thread that started it ends, not the process; bubblewrap's
     * --die-with-parent relies on it, and checks run on short-lived threads.
     */
    private static final java.util.concurrent.ExecutorService LAUNCHER = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "grader-launcher");
        thread.setDaemon(true);
        return thread;
    });
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
    private final Platform platform;
    private final ServerLog log = new ServerLog();
    private final Thread reader;
    private volatile int port;

    private RunningServer(Process process, int port, Platform platform) {
        this.process = process;
        this.platform = platform;
        this.port = port;
        LIVE.add(process);
        this.reader = new Thread(() -> log.readFrom(process.getInputStream()), "grader-server-log");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the target with {@code --port P} and the given arguments, optionally under {@code ulimit -n}.
     * P is 0 for Java (the server's log says which port it got), a free port for a command, or the one
     * {@code args} gives with their own {@code --port}.
     */
    public static RunningServer start(Target target, List<String> args, Integer fileLimit) throws IOException {
        int given = args.indexOf("--port");
        int port = given >= 0 ? Integer.parseInt(args.get(given + 1)) : target.isJava() ? 0 : freePort();
        List<String> command = new ArrayList<>();
        if (target.platform().bubblewrap()) {
            command.addAll(contained(target));
        }
        if (fileLimit != null) {
            if (!target.platform().ulimit()) {
                throw new IllegalStateException("a file limit needs bash's ulimit; ask Platform.ulimit() first");
            }
            command.addAll(List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "bash"));
        }
        command.addAll(target.launch());
        if (given < 0) {
            command.addAll(List.of("--port", Integer.toString(port)));
        }
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(target.scratch().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File(Platform.isWindows() ? "NUL" : "/dev/null")));
        Process process = launch(builder);
        RunningServer server = new RunningServer(process, port, target.platform());
        if (exiting) {
            server.close();
            throw new IOException("the grader is exiting; not starting another server");
        }
        return server;
    }

    private static Process launch(ProcessBuilder builder) throws IOException {
        try {
            return LAUNCHER.submit(builder::start).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the server", e);
        }
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
     * Waits until the server listens: its {@code listening on HOST:PORT} line, or, for a program
     * that prints nothing, the kernel's table of listening sockets (Linux). Without /proc the last
     * resort is a connection that is closed at once, which holds one of the server's slots for a
     * moment: only a command target that prints no listening line ever needs it.
     */
    public Optional<String> awaitListening(Duration timeout) throws InterruptedException {
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

    /**
     * The bubblewrap prefix that contains a learner's server: its own PID namespace (so nothing it
     * starts, even detached, outlives it), the whole file system read-only but its scratch folder,
     * a private /tmp, and the network shared so that loopback works.
     */
    private static List<String> contained(Target target) {
        String scratch = target.scratch().toString();
        List<String> bwrap = new ArrayList<>(List.of(Platform.BWRAP.toString(),
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"));
        for (Path readable : target.readablePaths()) {
            if (readable.toAbsolutePath().startsWith("/tmp")) { // hidden by the private /tmp: show it again, read-only
                bwrap.addAll(List.of("--ro-bind", readable.toString(), readable.toString()));
            }
        }
        bwrap.addAll(List.of("--bind", scratch, scratch, "--chdir", scratch,
                "--unshare-pid", "--die-with-parent", "--new-session", "--"));
        return bwrap;
    }

    /**
     * Without bubblewrap, a server can start a process that leaves its tree (a double fork); such a
     * survivor still names its classes or scratch folder on its command line, so look for those.
     */
    public static void killSurvivors(Path scratch, Target target) {
        List<String> marks = new ArrayList<>(List.of(scratch.toString()));
        target.compilation().ifPresent(c -> marks.add(c.classes().toString()));
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(line -> marks.stream().anyMatch(line::contains)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** A port nobody listens on right now, for a server to be started on with {@code --port}. */
    public static int freePort() throws IOException {
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
        if (port == 0) {
            return false;
        }
        return platform.procFs() ? ProcFs.isListening(port) : acceptsConnections(port);
    }

    /**
     * Connects, then half-closes and reads to the end, so that the server has closed this
     * connection (and freed its slot) before any check connects: the probe never races a check.
     */
    private static boolean acceptsConnections(int port) {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            probe.shutdownOutput();
            probe.setSoTimeout(1000);
            while (probe.getInputStream().read() >= 0) {
                // an echo server sends nothing back for an empty connection; read to its end of stream
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return true; // listening, though it did not close; the wait is bounded all the same
        } catch (IOException e) {
            return false;
        }
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

    /** Open descriptors of the server: Linux only, empty elsewhere. */
    public OptionalInt openDescriptors() {
        return platform.procFs() ? ProcFs.openDescriptors(serverPid()) : OptionalInt.empty();
    }

    /** CPU time the server has used so far, where the platform reports it (Linux, macOS, Windows). */
    public Optional<Duration> cpuTime() {
        return ProcessHandle.of(serverPid()).flatMap(handle -> handle.info().totalCpuDuration());
    }
}
