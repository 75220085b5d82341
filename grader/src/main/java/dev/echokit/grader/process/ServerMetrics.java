package dev.echokit.grader.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** What a running server uses, as the kernel sees it: descriptors, CPU time, its threads' use; and a pause to look at it still. */
final class ServerMetrics {

    private final Process process;
    private final Platform platform;

    ServerMetrics(Process process, Platform platform) {
        this.process = process;
        this.platform = platform;
    }

    /** The process that actually serves: for a shell command, the last descendant started. */
    long serverPid() {
        return ProcFs.tree(process.toHandle()).stream().max(Long::compare).orElse(process.pid());
    }

    /** See {@link RunningServer#wantsACore}. */
    Optional<Boolean> wantsACore() {
        return ProcFs.anyRunnable(serverPid()); // Linux's /proc whatever the platform mode, as threadUse: it reads the machine
    }

    /** See {@link RunningServer#pause}. */
    Optional<AutoCloseable> pause() throws InterruptedException {
        if (!platform.procFs() || !process.isAlive()) {
            return Optional.empty();
        }
        List<String> pids = new ArrayList<>();
        pids.add(Long.toString(process.pid()));
        ProcFs.tree(process.toHandle()).stream().skip(1).forEach(pid -> pids.add(Long.toString(pid)));
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
    OptionalInt openDescriptors() {
        return platform.procFs() ? ProcFs.openDescriptors(serverPid()) : OptionalInt.empty();
    }

    /** CPU time the server has used so far, where the platform reports it (Linux, macOS, Windows). */
    Optional<Duration> cpuTime() {
        return ProcessHandle.of(serverPid()).flatMap(handle -> handle.info().totalCpuDuration());
    }

    /** See {@link RunningServer#threadUse}. */
    Optional<List<ThreadUse>> threadUse(Duration window) throws InterruptedException {
        Optional<Map<String, ProcFs.ThreadCounters>> before = ProcFs.threadCounters(serverPid());
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        long wall = System.nanoTime() - start;
        Optional<Map<String, ProcFs.ThreadCounters>> after = ProcFs.threadCounters(serverPid());
        if (before.isEmpty() || after.isEmpty()) {
            return Optional.empty();
        }
        List<ThreadUse> uses = new ArrayList<>();
        ProcFs.ThreadCounters none = new ProcFs.ThreadCounters(0, 0, 0);
        for (Map.Entry<String, ProcFs.ThreadCounters> thread : after.get().entrySet()) {
            ProcFs.ThreadCounters was = before.get().getOrDefault(thread.getKey(), none);
            ProcFs.ThreadCounters now = thread.getValue();
            uses.add(new ThreadUse((now.running() - was.running()) / (double) wall,
                    (now.running() - was.running() + now.waiting() - was.waiting()) / (double) wall, now.sleeps() - was.sleeps()));
        }
        return Optional.of(uses);
    }
}
