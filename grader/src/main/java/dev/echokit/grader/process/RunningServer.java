package dev.echokit.grader.process;

import dev.echokit.grader.intake.Tree;
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
import java.util.stream.Stream;

/**
 * A graded server running as a child process: started, watched until it listens, and killed with
 * its whole process tree on close, on failure, and when the grader's JVM exits.
 */
public final class RunningServer implements AutoCloseable {

    /**
     * How long a server may take to start listening. A JVM starts in about a second on an idle
     * machine, but a class graded on two saturated cores has seen 11 s: a correct server must never
     * fail for being slow to start, and one that never listens costs this wait once (fail-fast).
     */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** {@link #START_TIMEOUT}, stretched with the machine's load (see {@link Patience}), at most three times as long. */
    public static Duration startTimeout() {
        Duration stretched = Patience.of(START_TIMEOUT);
        return stretched.compareTo(START_TIMEOUT.multipliedBy(3)) > 0 ? START_TIMEOUT.multipliedBy(3) : stretched;
    }

    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:]+:(\\d+)");
    private static final Set<RunningServer> LIVE = ConcurrentHashMap.newKeySet();

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

    /** -Dechokit.stats: remember every process a server ran as, for the bench (see {@link #seen()}). */
    public static final boolean STATS = Boolean.getBoolean("echokit.stats");
    private static final Set<Long> SEEN = ConcurrentHashMap.newKeySet();

    /** The process ids of the servers closed so far (with -Dechokit.stats; empty otherwise). */
    public static Set<Long> seen() {
        return Set.copyOf(SEEN);
    }

    /** Counts each live server's processes every 200 ms, and stops one that has more than its limit allows. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "grader-watchdog");
                thread.setDaemon(true);
                return thread;
            });

    static {
        // Ctrl-C on `mvn test`, or a check abandoned by its timeout, must not leave servers behind:
        // when the JVM exits, kill whatever is still running. A server that another thread starts
        // while this runs sees `exiting` and kills itself (see start).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exiting = true;
            LIVE.parallelStream().forEach(RunningServer::stop); // no waiting on log readers: the JVM is going
        }, "grader-cleanup"));
        WATCHDOG.scheduleWithFixedDelay(RunningServer::watch, 200, 200, TimeUnit.MILLISECONDS);
    }


    private static void watch() {
        try {
            for (RunningServer server : LIVE) {
                if (server.stoppedAtLimit == null && server.process.isAlive() && server.processCount() > Limits.DEFAULT.processes()) {
                    server.stoppedAtLimit = Limits.DEFAULT.tooManyProcesses();
                    server.user.ifPresent(ServerUser::killAll);
                    killTree(server.process);
                }
            }
        } catch (RuntimeException e) {
            // a process that ends while it is counted; the next round counts again
        }
    }

    /** Processes the server runs now: every process of its own user, else its process tree. */
    private long processCount() {
        return user.map(u -> (long) u.processCount()).orElseGet(() -> process.toHandle().descendants().count());
    }

    /**
     * Why the server was stopped at one of its limits, if it was: too many processes (the grader's
     * watchdog), CPU time or file size (the kernel's signal), memory (a Java server's heap).
     */
    public Optional<String> stoppedAtLimit() {
        if (stoppedAtLimit != null) {
            return Optional.of(stoppedAtLimit);
        }
        if (process.isAlive()) {
            return Optional.empty();
        }
        Optional<String> bySignal = Limits.DEFAULT.stoppedBy(process.exitValue());
        if (bySignal.isPresent()) {
            return bySignal;
        }
        return log.find(line -> line.contains("java.lang.OutOfMemoryError")).map(line -> Limits.outOfMemory());
    }

    private final Process process;
    private final Platform platform;
    private final Optional<ServerUser> user;
    private final Path scratch;
    private final ServerLog log = new ServerLog();
    private final Thread reader;
    private volatile int port;
    private final boolean javaTarget;
    private volatile String stoppedAtLimit;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private RunningServer(Process process, int port, Platform platform, Optional<ServerUser> user, Path scratch, boolean javaTarget) {
        this.javaTarget = javaTarget;
        this.process = process;
        this.platform = platform;
        this.user = user;
        this.scratch = scratch;
        this.port = port;
        LIVE.add(this);
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
        Platform platform = target.platform();
        Optional<ServerUser> user = platform.containment() != Containment.NONE && ServerUser.isRoot()
                ? Optional.of(ServerUser.lease()) : Optional.empty();
        Path scratch;
        try {
            scratch = target.files().newScratch(user);
        } catch (IOException e) {
            user.ifPresent(ServerUser::close);
            throw e;
        }
        List<String> command = new ArrayList<>(Sandbox.prefix(platform, Limits.DEFAULT, user, scratch, target.readablePaths()));
        if (fileLimit != null) {
            if (!platform.ulimit()) {
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
                .directory(scratch.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File(Platform.isWindows() ? "NUL" : "/dev/null")));
        Sandbox.environment(platform, builder.environment(), scratch);
        Process process;
        try {
            process = launch(builder);
        } catch (IOException e) {
            user.ifPresent(ServerUser::close);
            Tree.delete(scratch);
            throw e;
        }
        RunningServer server = new RunningServer(process, port, platform, user, scratch, target.isJava());
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
        return new Started(server, server.awaitListening(startTimeout()));
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
                        + " before it was listening" + (log.size() == 0 ? ", and printed nothing" : "")
                        + stoppedAtLimit().map(why -> "; the grader stopped the server: " + why).orElse(""));
            }
            log.await(LISTENING.asPredicate(), 1, Duration.ofMillis(20));
        }
        return Optional.of("the server was not listening after " + timeout.toSeconds()
                + " s (no 'listening on' line, and no listening socket" + (port != 0 ? " on port " + port : "") + ")");
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
        Optional<String> line = log.find(LISTENING.asPredicate()).map(LogLine::text);
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
        if (platform.procFs()) {
            // The port must be listened on by this server, not by whatever took the same port meanwhile
            // (the grader picks a free port, then the server binds it: another server can come between).
            java.util.OptionalLong inode = ProcFs.listeningSocket(port);
            return inode.isPresent() && holdsSocket(inode.getAsLong());
        }
        // Without /proc only a connection can tell, and it cannot tell whose listener answered: a Java
        // server says where it listens, so only a command that prints nothing is probed.
        return !javaTarget && acceptsConnections(port);
    }

    /** Whether this server's process, or one it started, holds the socket with this inode. */
    private boolean holdsSocket(long inode) {
        return Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants())
                .anyMatch(p -> ProcFs.holdsSocket(p.pid(), inode));
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

    /** Stops the server (see {@link #stop}) and waits, briefly, for the last of its log. */
    @Override
    public void close() {
        stop();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the server and everything it started, frees its user id and removes its scratch folder: once. */
    private void stop() {
        if (!closed.compareAndSet(false, true)) {
            return; // its user id may already serve another server
        }
        if (STATS) { // the bench counts these processes' CPU time, sandboxed ones too, from the kernel's accounting
            process.toHandle().descendants().forEach(h -> SEEN.add(h.pid()));
            SEEN.add(process.pid());
        }
        killTree(process);
        user.ifPresent(ServerUser::close);
        LIVE.remove(this);
        Tree.delete(scratch);
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

    /**
     * Stops the server and every process it started (SIGSTOP) until the returned handle is closed
     * (SIGCONT), once every thread of the serving process has stopped: while it is paused the
     * kernel still completes connections and takes their bytes, so a client can be sure its data
     * is there before the server looks. Linux only (where the stop can be seen in /proc); empty
     * elsewhere, or when the stop could not be confirmed (the server is then running again).
     */
    public Optional<AutoCloseable> pause() throws InterruptedException {
        if (!platform.procFs() || !process.isAlive()) {
            return Optional.empty();
        }
        List<String> pids = new ArrayList<>();
        pids.add(Long.toString(process.pid()));
        process.toHandle().descendants().forEach(h -> pids.add(Long.toString(h.pid())));
        AutoCloseable resume = () -> signal("-CONT", pids);
        if (signal("-STOP", pids)) {
            long deadline = System.nanoTime() + Patience.of(Duration.ofSeconds(2)).toNanos();
            while (System.nanoTime() < deadline) {
                if (ProcFs.stopped(serverPid())) {
                    return Optional.of(resume);
                }
                Thread.sleep(5); // polling /proc for a state the kernel reaches within a scheduler tick
            }
        }
        signal("-CONT", pids);
        return Optional.empty();
    }

    private static boolean signal(String which, List<String> pids) throws InterruptedException {
        List<String> kill = new ArrayList<>(List.of("kill", which));
        kill.addAll(pids);
        try {
            Process k = new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return k.waitFor(5, TimeUnit.SECONDS) && k.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Open descriptors of the server: Linux only, empty elsewhere. */
    public OptionalInt openDescriptors() {
        return platform.procFs() ? ProcFs.openDescriptors(serverPid()) : OptionalInt.empty();
    }

    /** CPU time the server has used so far, where the platform reports it (Linux, macOS, Windows). */
    public Optional<Duration> cpuTime() {
        return ProcessHandle.of(serverPid()).flatMap(handle -> handle.info().totalCpuDuration());
    }

    /** What one of the server's threads did over a measurement window: shares of the window on a core, and wanting one; its sleeps. */
    public record ThreadUse(double running, double wanting, long sleeps) {
        /**
         * Whether this thread polls: it ran for more than {@code cpuPercent} of the window (seen on an
         * idle machine), or it wanted a core for at least half of it without once going to sleep of
         * its own accord (seen on a busy machine too, where it gets little CPU but never stops asking).
         * A loop that sleeps in select(), even for a millisecond at a time, goes to sleep each turn.
         */
        public boolean polls(int cpuPercent) {
            return running * 100 > cpuPercent || wanting >= 0.5 && sleeps < 10;
        }
    }

    /**
     * Over {@code window} (a measurement window, not a synchronisation), what each of the server's
     * threads did, a JVM's own threads (compilers, garbage collector) left out: they work in bursts
     * that a busy machine stretches, and none of them is the server's loop (Linux's /proc, read
     * whatever the platform mode: it measures the machine, not a feature of the platform). Empty
     * where there is no /proc.
     */
    public Optional<List<ThreadUse>> threadUse(Duration window) throws InterruptedException {
        Optional<java.util.Map<String, ProcFs.ThreadCounters>> before = ProcFs.threadCounters(serverPid());
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        long wall = System.nanoTime() - start;
        Optional<java.util.Map<String, ProcFs.ThreadCounters>> after = ProcFs.threadCounters(serverPid());
        if (before.isEmpty() || after.isEmpty()) {
            return Optional.empty();
        }
        List<ThreadUse> uses = new ArrayList<>();
        ProcFs.ThreadCounters none = new ProcFs.ThreadCounters(0, 0, 0);
        for (java.util.Map.Entry<String, ProcFs.ThreadCounters> thread : after.get().entrySet()) {
            ProcFs.ThreadCounters was = before.get().getOrDefault(thread.getKey(), none);
            ProcFs.ThreadCounters now = thread.getValue();
            uses.add(new ThreadUse((now.running() - was.running()) / (double) wall,
                    (now.running() - was.running() + now.waiting() - was.waiting()) / (double) wall, now.sleeps() - was.sleeps()));
        }
        return Optional.of(uses);
    }
}
