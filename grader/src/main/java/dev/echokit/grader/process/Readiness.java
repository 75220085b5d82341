package dev.echokit.grader.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a server listens yet: its {@code listening on HOST:PORT} line (which gives its port),
 * else its own listening socket in the kernel's table, else, without /proc, a connection.
 */
final class Readiness {

    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:]+:(\\d+)");

    private final Process process;
    private final java.util.function.BooleanSupplier allAsleep;
    private final ServerLog log;
    private final Platform platform;
    private final boolean javaTarget;
    private volatile int port;
    private final long startedAt = System.nanoTime();

    /** How long a command may take to print its listening line, without /proc, before a connection asks instead. */
    static final Duration SAYS_IT_LISTENS = Duration.ofSeconds(2);

    Readiness(Process process, java.util.function.BooleanSupplier allAsleep, ServerLog log, Platform platform, int port, boolean javaTarget) {
        this.process = process;
        this.allAsleep = allAsleep;
        this.log = log;
        this.platform = platform;
        this.port = port;
        this.javaTarget = javaTarget;
    }

    int port() {
        return port;
    }

    /** See {@link RunningServer#awaitListening}; {@code stoppedAtLimit} says which limit ended it, if one did. */
    Optional<String> await(Duration timeout, Supplier<Optional<LimitReached>> stoppedAtLimit) throws InterruptedException {
        long began = System.nanoTime();
        long deadline = began + timeout.toNanos();
        long asleepSince = 0;
        while (System.nanoTime() < deadline) {
            if (isReady()) {
                return Optional.empty();
            }
            if (!process.isAlive()) {
                log.awaitEnd(Duration.ofSeconds(2));
                if (isReady()) {
                    return Optional.empty();
                }
                Optional<LimitReached> limit = stoppedAtLimit.get();
                String printed = log.size() == 0 ? ", and printed nothing" : "";
                if (limit.filter(LimitReached::byGrader).isPresent()) {
                    return Optional.of(limit.get().atStart());
                }
                return Optional.of("the server exited with code " + process.exitValue() + " before it was listening" + printed
                        + limit.map(reached -> "; " + reached.sentence()).orElse(""));
            }
            asleepSince = !asleep() ? 0 : asleepSince == 0 ? System.nanoTime() : asleepSince;
            if (asleepSince != 0 && System.nanoTime() - asleepSince >= Patience.of(ASLEEP).toNanos()) {
                return Optional.of("the server was not listening after " + (System.nanoTime() - began) / 1_000_000 + " ms, and every"
                        + " thread of it had been asleep for " + (System.nanoTime() - asleepSince) / 1_000_000 + " ms (no 'listening on'"
                        + " line, and no listening socket" + (port != 0 ? " on port " + port : "") + "): it waits for something before it listens");
            }
            log.await(LISTENING.asPredicate(), 1, Duration.ofMillis(20));
        }
        return Optional.of("the server was not listening after " + (System.nanoTime() - began) / 1_000_000_000
                + " s (no 'listening on' line, and no listening socket" + (port != 0 ? " on port " + port : "") + ")");
    }

    /**
     * How long a Java server may sleep, every thread of its own, before it listens: a JVM that starts
     * runs or waits for a core, and nothing in a server's start waits on something else that long.
     */
    static final Duration ASLEEP = Duration.ofSeconds(1);

    /** Whether every thread of a Java server's own sleeps right now, where Linux's /proc shows it. */
    private boolean asleep() {
        return javaTarget && platform.procFs() && allAsleep.getAsBoolean();
    }

    /** Whether the server has said it listens (taking the port from that line), or its port is listening. */
    boolean isReady() {
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
            OptionalLong inode = ProcFs.listeningSocket(port);
            return inode.isPresent() && holdsSocket(inode.getAsLong());
        }
        // Without /proc only a connection can tell, and it cannot tell whose listener answered: a Java
        // server says where it listens, so only a command that prints nothing is probed, and only once
        // it has had time to say it. A server logs the probe as a client ("accepted … (1/3)"), and a
        // helper's C and Go servers, probed in the moment between listen() and their line, were judged
        // on the probe's lines as if they were a check's (2-6 XP off, a different score every run).
        return !javaTarget && System.nanoTime() - startedAt >= Patience.of(SAYS_IT_LISTENS).toNanos() && acceptsConnections(port);
    }

    /** Whether this server's process, or one it started, holds the socket with this inode. */
    private boolean holdsSocket(long inode) {
        return ProcFs.tree(process.toHandle()).stream().anyMatch(pid -> ProcFs.holdsSocket(pid, inode));
    }

    /**
     * Connects, then half-closes and reads to the end, so that the server has closed this
     * connection (and freed its slot) before any check connects: the probe never races a check.
     */
    private static boolean acceptsConnections(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            probe.shutdownOutput();
            probe.setSoTimeout(1000);
            while (probe.getInputStream().read() >= 0) {
                // an echo server sends nothing back for an empty connection; read to its end of stream
            }
            return true;
        } catch (SocketTimeoutException e) {
            return true; // listening, though it did not close; the wait is bounded all the same
        } catch (IOException e) {
            return false;
        }
    }
}
