package dev.echokit.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The solution's server as a real child process on an ephemeral port, with its log captured line by line. */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(max clients: (\\d+)\\)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread logReader;
    private final int port;

    private ServerProcess(Process process) throws InterruptedException {
        this.process = process;
        this.logReader = new Thread(this::readLog, "server-log");
        logReader.setDaemon(true);
        logReader.start();
        Matcher ready = awaitLine(LISTENING.asPredicate(), START_TIMEOUT)
                .map(LISTENING::matcher).filter(Matcher::find)
                .orElseThrow(() -> new AssertionError("server did not print 'listening on' within "
                        + START_TIMEOUT.toSeconds() + " s; its log:\n" + String.join("\n", log())));
        this.port = Integer.parseInt(ready.group(1));
    }

    /** Starts {@code echo-server --port 0 ARGS...}. */
    static ServerProcess start(String... args) throws IOException, InterruptedException {
        return startWith(List.of(), null, args);
    }

    /** Starts the server under {@code ulimit -n fileLimit} and with the given extra JVM options. */
    static ServerProcess startWith(List<String> jvmOptions, Integer fileLimit, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (fileLimit != null) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "bash"));
        }
        command.addAll(javaCommand(jvmOptions));
        command.addAll(List.of("--port", "0"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            return new ServerProcess(process);
        } catch (RuntimeException | Error | InterruptedException e) {
            kill(process);
            throw e;
        }
    }

    /** Runs the command with the given arguments to completion (bounded) and returns exit code and output. */
    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand(List.of()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                throw new AssertionError("echo-server " + String.join(" ", args) + " did not exit within 15 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), output);
        } finally {
            kill(process);
        }
    }

    record Result(int exitCode, String output) {
    }

    private static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoCommand.class.getName()));
        return command;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid(); // under ulimit, bash exec()s java, so the pid is the JVM's
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Open file descriptors of the server JVM (Linux). */
    int openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** User plus system CPU time the server has used so far, in clock ticks (Linux). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    synchronized List<String> log() {
        return List.copyOf(lines);
    }

    long count(String fragment) {
        return log().stream().filter(line -> line.contains(fragment)).count();
    }

    /** Waits until a log line matches, or the timeout passes. */
    java.util.Optional<String> awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        return awaitLines(match, 1, timeout) ? log().stream().filter(match).findFirst() : java.util.Optional.empty();
    }

    /** Waits until at least {@code wanted} log lines match; false if the timeout passes first. */
    synchronized boolean awaitLines(Predicate<String> match, long wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().filter(match).count() < wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (!process.isAlive() && !logReader.isAlive())) {
                return false; // out of time, or the process is gone and all it said is read
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        return true;
    }

    /** Waits for the process to exit; true if it did within the timeout. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            logReader.join(2000); // the last lines are in the pipe until the reader drains it
        }
        return exited;
    }

    int exitCode() {
        return process.exitValue();
    }

    /** Sends SIGTERM, as {@code kill PID} or a service manager would. */
    void terminate() {
        // Through the handle: Process.destroy() would also close our end of its output pipe,
        // and we want to read what the server logs while it shuts down.
        process.toHandle().destroy();
    }

    @Override
    public void close() throws InterruptedException {
        kill(process);
        logReader.join(2000);
    }

    private static void kill(Process process) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readLog() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process is gone; what was read stays in the log.
        }
    }
}
