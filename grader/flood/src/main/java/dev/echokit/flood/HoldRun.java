package dev.echokit.flood;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code flood --clients N}: opens N connections in waves, holds them, then releases them. */
final class HoldRun {

    private final Flood flood;
    private final Map<Outcome, Integer> counts = Flood.emptyCounts();
    private final List<String> timeline = new ArrayList<>();
    private ProcessStats before;
    private ProcessStats peak = new ProcessStats(-1, -1);
    private ProcessStats afterRelease;
    private String clientProblem = "";
    // One read buffer for every exchange: the selector serves them one at a time.
    private final ByteBuffer readBuffer = ByteBuffer.allocate(512);

    HoldRun(Flood flood) {
        this.flood = flood;
    }

    /** One connection's exchange: send the probe, read until it is classified. */
    private final class Exchange {
        final SocketChannel channel;
        final ByteBuffer toSend = ByteBuffer.wrap(flood.probeBytes());
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Outcome outcome;

        Exchange(SocketChannel channel) {
            this.channel = channel;
        }

        void handle(SelectionKey key) {
            try {
                if (key.isConnectable()) {
                    channel.finishConnect();
                    key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                }
                if (key.isValid() && key.isWritable()) {
                    channel.write(toSend);
                    if (!toSend.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                if (key.isValid() && key.isReadable()) {
                    readBuffer.clear();
                    int n = channel.read(readBuffer);
                    if (n > 0) {
                        received.write(readBuffer.array(), 0, n);
                    }
                    byte[] got = received.toByteArray();
                    if (Arrays.equals(got, flood.replyBytes())) {
                        finish(key, Outcome.ADMITTED);
                    } else if (n < 0) {
                        finish(key, flood.classify(got, true, false));
                    } else if (got.length > 4096) {
                        finish(key, Outcome.OTHER_REPLY);
                    }
                }
            } catch (IOException e) {
                boolean connected = channel.isConnected();
                finish(key, connected ? flood.classify(received.toByteArray(), false, true) : Outcome.CONNECT_FAILED);
            }
        }

        void finish(SelectionKey key, Outcome result) {
            outcome = result;
            key.cancel();
            if (result != Outcome.ADMITTED) {
                close();
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }

    Flood.Report run() throws IOException {
        before = stats();
        List<Exchange> all = new ArrayList<>();
        long start = System.nanoTime();
        try (Selector selector = Selector.open()) {
            for (int opened = 0; opened < flood.clients && clientProblem.isEmpty(); ) {
                int size = Math.min(flood.wave, flood.clients - opened);
                List<Exchange> wave = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    try {
                        SocketChannel channel = SocketChannel.open();
                        channel.configureBlocking(false);
                        channel.connect(flood.address());
                        Exchange exchange = new Exchange(channel);
                        channel.register(selector, SelectionKey.OP_CONNECT, exchange);
                        wave.add(exchange);
                    } catch (IOException e) {
                        clientProblem = "flood itself could not open more sockets (" + e.getMessage() + "); raise ulimit -n";
                        break;
                    }
                }
                long deadline = System.nanoTime() + flood.timeout.toNanos();
                Flood.drive(selector, deadline, key -> ((Exchange) key.attachment()).handle(key));
                for (SelectionKey key : selector.keys()) {
                    key.cancel(); // still unanswered: waiting in the backlog, or a stuck server
                }
                selector.selectNow();
                for (Exchange e : wave) {
                    if (e.outcome == null) {
                        e.outcome = e.channel.isConnected() ? Outcome.TIMED_OUT : Outcome.CONNECT_FAILED;
                    }
                    counts.merge(e.outcome, 1, Integer::sum);
                }
                all.addAll(wave);
                opened += size;
                ProcessStats now = stats();
                sample(now);
                timeline.add(String.format(Locale.ROOT, "%6.1f s  %6d opened  %s", (System.nanoTime() - start) / 1e9, opened, describe(now)));
                flood.progress(String.format(Locale.ROOT, "opened %d of %d: %d admitted, %d refused, %d timed out  %s",
                        opened, flood.clients, counts.get(Outcome.ADMITTED), counts.get(Outcome.REFUSED),
                        counts.get(Outcome.TIMED_OUT), describe(now)));
            }
            // Hold everything that is still open, watching the server.
            long holdUntil = System.nanoTime() + flood.hold.toNanos();
            while (System.nanoTime() < holdUntil) {
                sample(stats());
                selector.select(200); // nothing is registered: this only paces the sampling
            }
            timeline.add(String.format(Locale.ROOT, "%6.1f s  holding   %s", (System.nanoTime() - start) / 1e9, describe(stats())));
            for (Exchange e : all) {
                e.close();
            }
            // Give the server a moment to notice, then read its figures again.
            long settle = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < settle) {
                selector.select(100);
            }
            afterRelease = stats();
            timeline.add(String.format(Locale.ROOT, "%6.1f s  released  %s", (System.nanoTime() - start) / 1e9, describe(afterRelease)));
        }
        flood.progressDone();
        return new Flood.Report() {
            @Override
            public String table() {
                StringBuilder t = new StringBuilder();
                t.append(String.format(Locale.ROOT, "flood --clients %d against 127.0.0.1:%d%n%n", flood.clients, flood.port));
                for (Outcome o : Outcome.values()) {
                    t.append(String.format(Locale.ROOT, "  %-15s %7d   %s%n", o.label, counts.get(o), o.meaning));
                }
                if (!clientProblem.isEmpty()) {
                    t.append("\n  note: ").append(clientProblem).append('\n');
                }
                if (flood.pid != null) {
                    t.append(String.format(Locale.ROOT, "%n  server pid %d   descriptors   resident memory%n", flood.pid));
                    t.append(String.format(Locale.ROOT, "  before          %11d   %10d KiB%n", before.descriptors(), before.residentKib()));
                    t.append(String.format(Locale.ROOT, "  peak            %11d   %10d KiB%n", peak.descriptors(), peak.residentKib()));
                    t.append(String.format(Locale.ROOT, "  after release   %11d   %10d KiB%n", afterRelease.descriptors(), afterRelease.residentKib()));
                    t.append("\n  over time:\n");
                    timeline.forEach(line -> t.append("  ").append(line).append('\n'));
                }
                return t.toString();
            }

            @Override
            public Object json() {
                Map<String, Integer> outcomes = new LinkedHashMap<>();
                for (Outcome o : Outcome.values()) {
                    outcomes.put(o.name().toLowerCase(Locale.ROOT), counts.get(o));
                }
                return new Json("clients", flood.clients, outcomes, flood.pid == null ? null : new ServerJson(
                        before.descriptors(), peak.descriptors(), afterRelease.descriptors(),
                        before.residentKib(), peak.residentKib(), afterRelease.residentKib()));
            }
        };
    }

    private ProcessStats stats() {
        return flood.pid == null ? new ProcessStats(-1, -1) : ProcessStats.of(flood.pid);
    }

    private void sample(ProcessStats now) {
        peak = new ProcessStats(Math.max(peak.descriptors(), now.descriptors()), Math.max(peak.residentKib(), now.residentKib()));
    }

    private String describe(ProcessStats s) {
        return flood.pid == null ? "" : s.descriptors() < 0 ? "server: gone" : "server: " + s.descriptors() + " fds, " + s.residentKib() + " KiB";
    }

    /** The --json output of a clients run: what happened to the connections, and the server's figures. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Json(String mode, int clients, Map<String, Integer> outcomes, ServerJson server) {
    }

    /** Descriptors and resident memory (KiB) of the server before, at the peak, and after release. */
    record ServerJson(int fdBefore, int fdPeak, int fdAfter, long rssKibBefore, long rssKibPeak, long rssKibAfter) {
    }
}
