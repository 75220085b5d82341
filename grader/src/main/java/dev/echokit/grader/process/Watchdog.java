package dev.echokit.grader.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps watch over the live servers: stops one that runs more processes than its limit allows,
 * kills whatever is still running when the grader's JVM exits, and kills a server's whole tree.
 */
final class Watchdog {

    private static final Set<RunningServer> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean exiting;

    /** Counts each live server's processes every 200 ms, and stops one that has more than its limit allows. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "grader-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    static {
        // Ctrl-C on `mvn test`, or a check abandoned by its timeout, must not leave servers behind:
        // when the JVM exits, kill whatever is still running. A server that another thread starts
        // while this runs sees `exiting` and kills itself (see RunningServer.start).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exiting = true;
            LIVE.parallelStream().forEach(RunningServer::stop); // no waiting on log readers: the JVM is going
        }, "grader-cleanup"));
        WATCHDOG.scheduleWithFixedDelay(Watchdog::watch, 200, 200, TimeUnit.MILLISECONDS);
    }

    private Watchdog() {
    }

    /** Watches a server from now until {@link #release}. */
    static void add(RunningServer server) {
        LIVE.add(server);
    }

    static void release(RunningServer server) {
        LIVE.remove(server);
    }

    /** Whether the grader's JVM is exiting: a server started now is stopped at once. */
    static boolean exiting() {
        return exiting;
    }

    private static void watch() {
        try {
            for (RunningServer server : LIVE) {
                if (server.isAlive()) {
                    server.stopIfPastProcessLimit();
                }
            }
        } catch (RuntimeException e) {
            // a process that ends while it is counted; the next round counts again
        }
    }

    static void killTree(Process process) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** See {@link RunningServer#killSurvivors}. */
    static void killSurvivors(Path scratch, Target target) {
        List<String> marks = new ArrayList<>(List.of(scratch.toString()));
        target.compilation().ifPresent(c -> marks.add(c.classes().toString()));
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(line -> marks.stream().anyMatch(line::contains)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }
}
