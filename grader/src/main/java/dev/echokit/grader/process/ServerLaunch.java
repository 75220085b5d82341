package dev.echokit.grader.process;

import dev.echokit.grader.intake.Tree;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds a server's command (sandbox, file limit, the target's launch, its port) and starts it,
 * as its own user when the grader is root, in a scratch folder of its own.
 */
final class ServerLaunch {

    /** A started server process, its port (0 until a Java server says which), its user if it has one, its scratch folder. */
    record Launched(Process process, int port, Optional<ServerUser> user, Path scratch) {
    }

    /**
     * Every server is started from this one thread, which lives as long as the JVM. Linux sends a
     * child's parent-death signal when the thread that started it ends, not the process; bubblewrap's
     * --die-with-parent relies on it, and checks run on short-lived threads.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "grader-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private ServerLaunch() {
    }

    /** See {@link RunningServer#start}: starts the process; on failure, frees its user and its scratch folder. */
    static Launched start(Target target, List<String> args, Integer fileLimit) throws IOException {
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
        return new Launched(process, port, user, scratch);
    }

    private static Process launch(ProcessBuilder builder) throws IOException {
        try {
            return LAUNCHER.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the server", e);
        }
    }

    /** A port nobody listens on right now, for a server to be started on with {@code --port}. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
