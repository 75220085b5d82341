package dev.echokit.grader.process;

import dev.echokit.grader.intake.Tree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A graded server running as a child process: started ({@link ServerLaunch}), watched until it
 * listens ({@link Readiness}) and at its limits ({@link Watchdog}), measured ({@link ServerMetrics}),
 * and killed with its whole process tree on close, on failure, and when the grader's JVM exits.
 * It is the handle the checks hold.
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

    /** -Dechokit.stats: remember every process a server ran as, for the bench (see {@link #seen()}). */
    public static final boolean STATS = Boolean.getBoolean("echokit.stats");
    private static final Set<Long> SEEN = ConcurrentHashMap.newKeySet();

    /** The process ids of the servers closed so far (with -Dechokit.stats; empty otherwise). */
    public static Set<Long> seen() {
        return Set.copyOf(SEEN);
    }

    private final Process process;
    private final Optional<ServerUser> user;
    private final Path scratch;
    private final ServerLog log = new ServerLog();
    private final Thread reader;
    private final Readiness readiness;
    private final ServerMetrics metrics;
    private volatile LimitReached stoppedAtLimit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long startedAt = System.nanoTime();
    private volatile long exitedAt;
    private volatile boolean terminated;
    private volatile Ending ending;
    private volatile boolean exitTold;
    private volatile boolean watchedAfterTheEnd;

    private final boolean procFs;

    private RunningServer(ServerLaunch.Launched launched, Platform platform, boolean javaTarget) {
        this.procFs = platform.procFs();
        this.process = launched.process();
        this.user = launched.user();
        this.scratch = launched.scratch();
        this.readiness = new Readiness(process, this::allAsleep, log, platform, launched.port(), javaTarget);
        this.metrics = new ServerMetrics(process, platform);
        Watchdog.add(this);
        process.onExit().thenRun(() -> exitedAt = System.nanoTime());
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
        RunningServer server = new RunningServer(ServerLaunch.start(target, args, fileLimit), target.platform(), target.isJava());
        if (Watchdog.exiting()) {
            server.close();
            throw new IOException("the grader is exiting; not starting another server");
        }
        return server;
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
        long began = System.nanoTime();
        Optional<String> problem = readiness.await(timeout, this::stoppedAtLimit);
        if (problem.isEmpty()) {
            // Counted now as well as by the watchdog's rounds: a server that forks past its limit before it
            // listens is stopped at its start every time, not only when a round happens to fall there; and a
            // round that stopped it just as it printed its listening line is told, not met by a refused connection.
            Optional<LimitReached> limit = stoppedAtLimit();
            if (limit.isPresent()) {
                problem = Optional.of(limit.get().atStart());
            }
        }
        Timeline.waited(began, "server start to listening" + problem.map(p -> ": " + p).orElse(""));
        if (problem.isPresent() && !process.isAlive()) {
            exitTold = true; // the problem says how it exited: the check's own words
        }
        return problem;
    }

    /**
     * Whether a check has already seen the process exit, and so tells that story itself: a check that
     * waits for an exit it expects, or a start that ended before listening.
     */
    public boolean exitToldByCheck() {
        return exitTold;
    }

    /** Whether the grader, seeing its listener gone or a trace printed, watched the process a second more and it still ran. */
    public boolean stillRanASecondLater() {
        return watchedAfterTheEnd;
    }

    /** Whether the server has said it listens (taking the port from that line), or its port is listening. */
    public boolean isReady() {
        return readiness.isReady();
    }

    public int port() {
        return readiness.port();
    }

    /**
     * Without bubblewrap, a server can start a process that leaves its tree (a double fork); such a
     * survivor still names its classes or scratch folder on its command line, so look for those.
     */
    public static void killSurvivors(Path scratch, Target target) {
        Watchdog.killSurvivors(scratch, target);
    }

    /** A port nobody listens on right now, for a server to be started on with {@code --port}. */
    public static int freePort() throws IOException {
        return ServerLaunch.freePort();
    }

    /**
     * Why the server was stopped at one of its limits, if it was: too many processes (the grader's
     * watchdog), CPU time or file size (the kernel's signal), memory or threads (a Java server's OutOfMemoryError).
     */
    public Optional<LimitReached> stoppedAtLimit() {
        // Counted when asked, not only in the watchdog's rounds: a server whose processes outlive it
        // (a fork, then an exit) is judged the same whichever came first, the round or the question.
        stopIfPastProcessLimit();
        if (stoppedAtLimit != null) {
            return Optional.of(stoppedAtLimit);
        }
        if (process.isAlive()) {
            return Optional.empty();
        }
        Optional<LimitReached> bySignal = Limits.DEFAULT.stoppedBy(process.exitValue());
        if (bySignal.isPresent()) {
            return bySignal;
        }
        return log.find(line -> line.contains("java.lang.OutOfMemoryError")).map(line -> Limits.DEFAULT.outOfMemory(line.text(), user.isPresent()));
    }

    /** Stops the server if it runs more processes than its limit: the watchdog's rounds, and whenever a check asks. */
    void stopIfPastProcessLimit() {
        if (stoppedAtLimit == null && !closed.get() && processCount() > Limits.DEFAULT.processes()) {
            stopAtLimit(Limits.DEFAULT.tooManyProcesses());
        }
    }

    /** Processes the server runs now: every process of its own user, else its process tree. */
    long processCount() {
        return user.map(u -> (long) u.processCount()).orElseGet(() -> process.toHandle().descendants().count());
    }

    /** The watchdog's stop: kills every process of the server, saying which limit it reached. */
    void stopAtLimit(LimitReached why) {
        endedOnItsOwn();
        stoppedAtLimit = why;
        user.ifPresent(ServerUser::killAll);
        Watchdog.killTree(process);
    }

    private volatile boolean waitedForExit;

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * How the server's process ended, if it ended on its own: not stopped by the grader (at the end of a
     * check, by SIGTERM, or at a limit). Observed before anything is torn down, so a server that was
     * alive when its check ended is never reported as gone.
     */
    public Optional<Ending> endedOnItsOwn() {
        if (ending == null && !closed.get() && !terminated && stoppedAtLimit == null && process.isAlive() && log.ended() && !waitedForExit) {
            // Its output ended on its own: a process that is exiting closes its pipes and sockets a moment before the
            // JDK sees it gone. Asked in that moment, "still running" would be a false answer, so wait for it, once.
            waitedForExit = true;
            try {
                process.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ending == null && !closed.get() && !terminated && stoppedAtLimit == null && !process.isAlive()) {
            long at = exitedAt != 0 ? exitedAt : System.nanoTime();
            ending = new Ending(process.exitValue(), (at - startedAt) / 1_000_000);
        }
        return Optional.ofNullable(ending);
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
        exitTold = true;
        return Optional.of(process.exitValue());
    }

    /** Sends SIGTERM without closing our end of its output, so the shutdown lines can still be read. */
    public void terminate() {
        endedOnItsOwn(); // what it did before the grader asked it to stop
        terminated = true;
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

    /**
     * A server that has printed an exception trace is most likely on its way out: its listener may be
     * closed already while the JVM (or the sandbox around it) finishes exiting. Give it a moment, so
     * that a crash is reported as the crash, not as a server the grader stopped. The same when its
     * listening socket is gone (a process killed by a signal prints nothing). Otherwise it costs one read
     * of the log and of the kernel's socket table per server stopped.
     */
    public void settle() {
        if (closed.get() || !process.isAlive()) {
            return;
        }
        boolean crashing = Crash.in(log.lines().stream().map(LogLine::text).toList()).isPresent();
        boolean listenerGone = procFs && readiness.isReady() && readiness.port() > 0 && !ProcFs.isListening(readiness.port());
        if (!crashing && !listenerGone) {
            return;
        }
        try {
            watchedAfterTheEnd = !process.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the server and everything it started, frees its user id and removes its scratch folder: once. */
    void stop() {
        settle();
        endedOnItsOwn(); // observed before the grader tears anything down
        if (!closed.compareAndSet(false, true)) {
            return; // its user id may already serve another server
        }
        if (STATS) { // the bench counts these processes' CPU time, sandboxed ones too, from the kernel's accounting
            process.toHandle().descendants().forEach(h -> SEEN.add(h.pid()));
            SEEN.add(process.pid());
        }
        Watchdog.killTree(process);
        user.ifPresent(ServerUser::close);
        Watchdog.release(this);
        Tree.delete(scratch);
    }

    /** The process that actually serves: for a shell command, the last descendant started. */
    /**
     * Whether one of the server's own threads is on a core or waiting for one right now: false means
     * it is asleep by its own choice (in select(), or blocked), which a busy machine does not cause.
     * Empty where /proc cannot tell.
     */
    public Optional<Boolean> wantsACore() {
        return metrics.wantsACore();
    }

    /**
     * A client the server leaves waiting, as Linux's /proc shows it right now: what its side of the
     * connection shows (not accepted, or accepted and neither answered nor closed), whether every
     * thread of the server's own sleeps by its choice, and the time those threads have spent on a
     * core so far. A server that means to answer is on a core, or has answered: on loopback its
     * write is in the client's queue before it sleeps again.
     */
    public record Waiting(boolean accepted, long unread, boolean asleep, long cpuNanos) {

        /** What was seen, in words, for a client that has had {@code received} bytes so far. */
        public String what(long received) {
            if (!accepted) {
                return "the server never accepted the connection (it waits in the listener's queue)";
            }
            if (unread > 0) {
                return "the server accepted the connection but left the " + unread + " bytes the client sent unread";
            }
            return received == 0 ? "the server accepted the connection, then neither wrote to it nor closed it"
                    : "the server wrote those bytes, then neither wrote more nor closed the connection";
        }
    }

    /** See {@link Waiting}: empty when the client's connection is not left waiting, or where /proc cannot tell. */
    public Optional<Waiting> leavesWaiting(int clientPort) {
        if (!procFs || clientPort == 0 || !process.isAlive()) {
            return Optional.empty();
        }
        Optional<long[]> side = ProcFs.serverSide(port(), clientPort);
        if (side.isEmpty()) {
            return Optional.empty();
        }
        return treeThreads().map(threads -> new Waiting(side.get()[0] != 0, side.get()[1], threads.allSleeping(), threads.cpuNanos()));
    }

    /** The inode of the server's side of each admitted client's connection, by the client's port (Linux). */
    private final java.util.Map<Integer, Long> connections = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Notes the server's side of admitted clients' connections, while they are there to be seen, so
     * that {@link #closedItsSide} can tell later whether the server has closed it. Linux only; does
     * nothing elsewhere.
     */
    public void noteAdmitted(java.util.Collection<Integer> clientPorts) {
        if (procFs && !clientPorts.isEmpty()) {
            java.util.Map<Integer, Long> inodes = ProcFs.acceptedConnections(port());
            clientPorts.stream().filter(inodes::containsKey).forEach(p -> connections.put(p, inodes.get(p)));
        }
    }

    /**
     * Whether the server has closed its side of the connection of every client on {@code ports}: each
     * was noted when admitted, and its socket is no longer among the descriptors of any process the
     * server's start made. False
     * where /proc cannot tell, or for a client that was not noted.
     */
    public boolean closedItsSide(java.util.Set<Integer> ports) {
        if (!procFs || ports.isEmpty() || !ports.stream().allMatch(connections::containsKey)) {
            return false;
        }
        List<Long> tree = ProcFs.tree(process.toHandle());
        return ports.stream().noneMatch(port -> tree.stream().anyMatch(pid -> ProcFs.holdsSocket(pid, connections.get(port))));
    }

    /**
     * The own threads of every process the server's start made (the process and all it started, a
     * sandbox's or shell's waiting parent included): asleep only if every one is, and their time on
     * a core summed. Not one chosen process: a server that starts a helper (a shell loop, a child
     * that sleeps) would otherwise be judged by the helper.
     */
    private Optional<ProcFs.OwnThreads> treeThreads() {
        boolean asleep = true;
        long cpu = 0;
        boolean seen = false;
        for (long pid : ProcFs.tree(process.toHandle())) {
            Optional<ProcFs.OwnThreads> threads = ProcFs.ownThreads(pid);
            if (threads.isPresent()) {
                seen = true;
                asleep &= threads.get().allSleeping();
                cpu += threads.get().cpuNanos();
            }
        }
        return seen ? Optional.of(new ProcFs.OwnThreads(asleep, cpu)) : Optional.empty();
    }

    /** Whether every thread of every process of the server's own sleeps right now (see {@link #treeThreads}); false where /proc cannot tell. */
    boolean allAsleep() {
        if (!procFs) {
            return false;
        }
        List<Long> tree = ProcFs.tree(process.toHandle());
        return !tree.isEmpty() && tree.stream().allMatch(ProcFs::allSleeping);
    }

    public long serverPid() {
        return metrics.serverPid();
    }

    /**
     * Stops the server and every process it started (SIGSTOP) until the returned handle is closed
     * (SIGCONT), once every thread of the serving process has stopped: while it is paused the
     * kernel still completes connections and takes their bytes, so a client can be sure its data
     * is there before the server looks. Linux only (where the stop can be seen in /proc); empty
     * elsewhere, or when the stop could not be confirmed (the server is then running again).
     */
    public Optional<AutoCloseable> pause() throws InterruptedException {
        return metrics.pause();
    }

    /** Open descriptors of the server: Linux only, empty elsewhere. */
    public OptionalInt openDescriptors() {
        return metrics.openDescriptors();
    }

    /** CPU time the server has used so far, where the platform reports it (Linux, macOS, Windows). */
    public Optional<Duration> cpuTime() {
        return metrics.cpuTime();
    }

    /**
     * Over {@code window} (a measurement window, not a synchronisation), what each of the server's
     * threads did, a JVM's own threads (compilers, garbage collector) left out: they work in bursts
     * that a busy machine stretches, and none of them is the server's loop (Linux's /proc, read
     * whatever the platform mode: it measures the machine, not a feature of the platform). Empty
     * where there is no /proc.
     */
    public Optional<List<ThreadUse>> threadUse(Duration window) throws InterruptedException {
        return metrics.threadUse(window);
    }
}
