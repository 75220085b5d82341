package dev.echokit.grader.process;

import java.util.Map;
import java.util.Optional;

/**
 * How a server's process ended on its own, before the grader stopped it: its exit code, or the
 * signal that killed it (a process killed by signal N ends with 128 + N, as the JDK and the shells
 * report it), and when. What the grader says of a crash comes from this, never from a guess.
 */
public record Ending(int exitCode, long afterMillis) {

    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"),
            Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"),
            Map.entry(15, "SIGTERM"), Map.entry(24, "SIGXCPU"), Map.entry(25, "SIGXFSZ"));

    /** What each signal usually means for a server like this one. */
    private static final Map<String, String> MEANS = Map.of(
            "SIGPIPE", "it wrote to a connection whose client had already closed it, and nothing caught SIGPIPE:"
                    + " ignore the signal (signal(SIGPIPE, SIG_IGN)) or send with MSG_NOSIGNAL, then treat EPIPE like any failed write"
                    + " (close that one connection and free its slot)",
            "SIGSEGV", "a memory error in the server's own code: a bad pointer, or a buffer written past its end",
            "SIGBUS", "a memory error in the server's own code: a bad pointer, or a buffer written past its end",
            "SIGABRT", "the program aborted itself: a failed assert(), or abort() after a fatal error (its last lines may say which)",
            "SIGKILL", "something killed it outright: the kernel when memory ran out, or a supervisor",
            "SIGFPE", "an arithmetic error in the server's own code, such as a division by zero",
            "SIGTERM", "something asked it to stop: the grader had not",
            "SIGINT", "something interrupted it: the grader had not");

    /** The signal that killed it, by name, if the exit code says one did. */
    public Optional<String> signal() {
        return exitCode > 128 && exitCode < 160 ? Optional.of(NAMES.getOrDefault(exitCode - 128, "signal " + (exitCode - 128)))
                : Optional.empty();
    }

    /** What happened, in words: "exited with code 1" or "was killed by SIGPIPE (exit code 141)", and when. */
    public String words() {
        String how = signal().map(s -> "was killed by " + s + " (exit code " + exitCode + ")").orElse("exited with code " + exitCode);
        return how + ", " + afterMillis + " ms after it started";
    }

    /** What that signal usually means, where it means something. */
    public Optional<String> meaning() {
        return signal().map(MEANS::get);
    }
}
