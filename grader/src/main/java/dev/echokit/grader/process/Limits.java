package dev.echokit.grader.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one graded server may use: processes, threads, memory, CPU time and file size. A server
 * that reaches one is stopped, and its check's feedback names the limit, so that a class run and a
 * run alone give the same verdict and one learner's server cannot take the machine from the rest.
 *
 * @param processes   processes at once; past this the grader stops the server (it watches /proc)
 * @param tasks       processes and threads at once, held by the kernel (RLIMIT_NPROC); only where
 *                    the server has a user id of its own, since the count is per user
 * @param memoryBytes address space of each process (RLIMIT_AS); a Java server's heap is capped
 *                    lower still, at {@link #JAVA_HEAP_MIB} MiB
 * @param cpuSeconds  CPU time of each process (RLIMIT_CPU): the kernel stops it with SIGXCPU
 * @param fileBytes   size of any file it writes (RLIMIT_FSIZE): the kernel stops it with SIGXFSZ
 */
public record Limits(int processes, int tasks, long memoryBytes, int cpuSeconds, long fileBytes) {

    /** The heap a graded Java server gets ({@code -Xmx}). */
    public static final int JAVA_HEAP_MIB = 256;

    /**
     * Generous for any echo server in any language (the reference uses one process, about 15
     * threads, 50 MiB and a second of CPU per check; a thread-per-client server at 105 clients
     * stays under the task limit, and so does a process per client at the default limit of 100,
     * which a helper's forking server once hit at 64), tight enough that 30 hostile ones cannot
     * take a 2-core machine.
     */
    public static final Limits DEFAULT = new Limits(160, 512, 4L << 30, 60, 64L << 20);

    private static final int SIGXCPU = 24;
    private static final int SIGXFSZ = 25;

    /** The arguments of util-linux's {@code prlimit} that set these limits for the command after them. */
    List<String> prlimit(boolean ownUser) {
        List<String> args = new ArrayList<>(List.of(
                "--as=" + memoryBytes,
                "--cpu=" + cpuSeconds + ":" + (cpuSeconds + 1), // the soft limit sends SIGXCPU, which we can name
                "--fsize=" + fileBytes,
                "--core=0"));
        if (ownUser) {
            args.add("--nproc=" + tasks);
        }
        return args;
    }

    /** Why the kernel stopped a server, read from its exit status (128 + the signal); empty for any other end. */
    Optional<LimitReached> stoppedBy(int exitValue) {
        if (exitValue == 128 + SIGXCPU) {
            return Optional.of(LimitReached.byKernel("SIGXCPU", "it used more than " + cpuSeconds + " s of CPU time"));
        }
        if (exitValue == 128 + SIGXFSZ) {
            return Optional.of(LimitReached.byKernel("SIGXFSZ", "it wrote a file larger than " + (fileBytes >> 20) + " MiB"));
        }
        return Optional.empty();
    }

    LimitReached tooManyProcesses() {
        return LimitReached.byGrader("it started more than " + processes + " processes");
    }

    /**
     * What a Java server's {@code OutOfMemoryError} line says it reached. "Unable to create native
     * thread" is not the heap: the kernel refused a thread, which under a user of its own means the
     * server ran as many processes and threads as that user may (a Java child process costs two, its
     * own and the JDK's reaper thread that waits for it).
     */
    LimitReached outOfMemory(String errorLine, boolean ownUser) {
        if (errorLine.contains("unable to create native thread")) {
            return LimitReached.byRuntime("an OutOfMemoryError", ownUser
                    ? "it reached " + tasks + " processes and threads at once, as many as its user may run"
                    : "it could not start another thread (the machine refused one: too many threads or processes)");
        }
        return LimitReached.byRuntime("an OutOfMemoryError", "it ran out of memory (a Java server's heap is capped at " + JAVA_HEAP_MIB + " MiB)");
    }

    /** One line for the instructor notes and the top of a class run. */
    public String describe() {
        return processes + " processes, " + tasks + " threads, " + (memoryBytes >> 30) + " GiB of address space, "
                + cpuSeconds + " s of CPU and " + (fileBytes >> 20) + " MiB per file";
    }
}
