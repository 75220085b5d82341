package dev.echokit.grader.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A network of its own for each grading. The grading runs in a child grader process started in a
 * new network namespace, which holds nothing but its own loopback: the grader's client sockets and
 * the servers of that one grading talk over real TCP on 127.0.0.1 there, and a server can reach
 * nothing else — no service of this machine, no other learner's server, no outside address.
 *
 * <p>bubblewrap makes the namespace and brings its loopback up ({@code --unshare-net}), as root or,
 * where the kernel allows user namespaces, as anybody; as root without bubblewrap, util-linux's
 * {@code unshare --net} and iproute2's {@code ip} do. Where neither works (macOS, Windows, a container
 * that refuses namespaces) the grading shares the machine's network, and the containment line says so.
 * No verdict depends on which: the same checks run the same way inside.
 */
public final class GradingNetwork {

    /** Set in the child's environment: this process already runs in a grading's own network. */
    static final String INSIDE = "ECHOKIT_OWN_NETWORK";

    private static final Path UNSHARE = Path.of("/usr/bin/unshare");
    private static final List<Path> IP = List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"), Path.of("/usr/bin/ip"), Path.of("/bin/ip"));

    /** How a grading gets its own network here, if it can. */
    public enum Kind {
        /** bubblewrap's {@code --unshare-net}. */
        BUBBLEWRAP,
        /** util-linux's {@code unshare --net}, then {@code ip link set lo up} (root only). */
        UNSHARE,
        /** This process is already the child, in a grading's own network. */
        INSIDE,
        /** Not to be had: gradings share the machine's network. */
        SHARED
    }

    private static volatile Kind detected;
    private static volatile String whyShared = "";

    private GradingNetwork() {
    }

    /** Whether this process runs in a grading's own network (the child a parent started). */
    public static boolean inside() {
        return System.getenv(INSIDE) != null;
    }

    /** How gradings get a network of their own on this machine, tried once per JVM with a real start. */
    public static Kind here() {
        if (detected == null) {
            detected = detect();
        }
        return detected;
    }

    private static Kind detect() {
        if (inside()) {
            return Kind.INSIDE;
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            whyShared = "no network namespaces on this system";
            return Kind.SHARED;
        }
        if (Files.isExecutable(Sandbox.BWRAP) && works(prefix(Kind.BUBBLEWRAP))) {
            return Kind.BUBBLEWRAP;
        }
        if (ServerUser.isRoot() && Files.isExecutable(UNSHARE) && ip().isPresent() && works(prefix(Kind.UNSHARE))) {
            return Kind.UNSHARE;
        }
        whyShared = Files.isExecutable(Sandbox.BWRAP) ? "bubblewrap was refused a network namespace here"
                : ServerUser.isRoot() ? "install bubblewrap (bwrap), or util-linux and iproute2, for one"
                : "install bubblewrap (bwrap) for one";
        return Kind.SHARED;
    }

    /** The containment line's words about the network of a platform whose gradings run {@code kind}: what a server can reach. */
    static String describe(Kind kind) {
        if (kind != Kind.SHARED) {
            return "network: each grading its own, loopback only (a server reaches its own grading and nothing else)";
        }
        String why = here() == Kind.SHARED ? whyShared : "gradings kept in one process";
        return "network: shared with this machine (" + why + "), so a server can reach what the machine can";
    }

    /** The words to start {@code command} with, so that it runs in a new network namespace with its loopback up. */
    static List<String> prefix(Kind kind) {
        return switch (kind) {
            case BUBBLEWRAP -> List.of(Sandbox.BWRAP.toString(), "--unshare-net", "--dev-bind", "/", "/", "--die-with-parent", "--");
            case UNSHARE -> List.of(UNSHARE.toString(), "--net", "--", "/bin/sh", "-c",
                    ip().orElseThrow() + " link set lo up && exec \"$@\"", "echokit-network");
            case INSIDE, SHARED -> List.of();
        };
    }

    private static Optional<Path> ip() {
        return IP.stream().filter(Files::isExecutable).findFirst();
    }

    private static boolean works(List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        // In the new namespace, the loopback is up and nothing of this machine listens there.
        command.addAll(List.of("/bin/sh", "-c", "grep -q ' 0A ' /proc/net/tcp && exit 3; test -r /proc/net/tcp"));
        try {
            Process trial = new ProcessBuilder(command).redirectErrorStream(true).start();
            trial.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (!trial.waitFor(10, TimeUnit.SECONDS)) {
                trial.destroyForcibly();
                return false;
            }
            return trial.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts the grader with {@code args} as a child process in a network of its own, its output
     * copied to {@code out} and {@code err} as it comes. The child is this JVM's class path and
     * the grader's own settings ({@code echokit.*}, {@code slf4j.*}) and its temporary folder, nothing else of ours.
     */
    public static Child start(Kind kind, List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (kind != Kind.BUBBLEWRAP && kind != Kind.UNSHARE) {
            throw new IllegalArgumentException("no network of its own to start a grading in: " + kind);
        }
        List<String> command = new ArrayList<>(prefix(kind));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("echokit.") || k.startsWith("slf4j.") || k.equals("java.io.tmpdir"))
                .sorted().forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.echokit.grader.cli.GraderCommand");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(INSIDE, "1");
        Process process = builder.start();
        process.getOutputStream().close();
        Thread copyOut = copy(process.getInputStream(), out);
        Thread copyErr = copy(process.getErrorStream(), err);
        return new Child(process, copyOut, copyErr);
    }

    /** The JVM's own flags worth passing on: the compiler and collector choices and the heap, never an agent or a debugger. */
    private static List<String> jvmFlags(List<String> arguments) {
        return arguments.stream().filter(a -> a.startsWith("-XX:TieredStopAtLevel") || a.equals("-XX:+UseSerialGC")
                || a.startsWith("-Xmx") || a.startsWith("-Xss")).toList();
    }

    private static Thread copy(InputStream from, PrintStream to) {
        Thread copier = new Thread(() -> {
            try {
                byte[] buffer = new byte[8192];
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the child is gone; what it printed is printed
            }
        }, "echokit-child-output");
        copier.setDaemon(true);
        copier.start();
        return copier;
    }

    /** A child grader: waits for it within a limit, and ends its whole tree if it overruns or we are interrupted. */
    public record Child(Process process, Thread copyOut, Thread copyErr) {

        /** Its exit code, or empty when it ran past {@code limitSeconds} and was stopped. */
        public Optional<Integer> await(long limitSeconds) throws InterruptedException {
            try {
                if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                    stop();
                    return Optional.empty();
                }
                copyOut.join(TimeUnit.SECONDS.toMillis(5));
                copyErr.join(TimeUnit.SECONDS.toMillis(5));
                return Optional.of(process.exitValue());
            } catch (InterruptedException e) {
                stop();
                throw e;
            }
        }

        void stop() throws InterruptedException {
            Watchdog.killTree(process);
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
