package dev.echokit.flood;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** {@code flood --storm 5s}: refusals as fast as possible against a full server, with their latency. */
final class StormRun {

    /** At most this many latencies are kept per loop (a bound on the tool's own memory). */
    private static final int MAX_SAMPLES = 2_000_000;

    private final Flood flood;

    StormRun(Flood flood) {
        this.flood = flood;
    }

    private final class Loop implements Runnable {
        long[] latencies = new long[4096]; // grows as needed, up to MAX_SAMPLES
        int samples;
        final Map<Outcome, Integer> counts = Flood.emptyCounts();
        final long deadline;

        Loop(long deadline) {
            this.deadline = deadline;
        }

        @Override
        public void run() {
            byte[] expected = flood.expected();
            while (System.nanoTime() < deadline && samples < MAX_SAMPLES) {
                long start = System.nanoTime();
                Outcome outcome = once(expected);
                long took = System.nanoTime() - start;
                counts.merge(outcome, 1, Integer::sum);
                if (outcome == Outcome.REFUSED) {
                    if (samples == latencies.length) {
                        latencies = Arrays.copyOf(latencies, Math.min(MAX_SAMPLES, latencies.length * 2));
                    }
                    latencies[samples++] = took;
                }
                done.incrementAndGet();
            }
        }

        private Outcome once(byte[] expected) {
            try (Socket socket = new Socket()) {
                try {
                    socket.connect(flood.address(), (int) flood.timeout.toMillis());
                } catch (IOException e) {
                    return Outcome.CONNECT_FAILED;
                }
                socket.setSoTimeout((int) flood.timeout.toMillis());
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                InputStream in = socket.getInputStream();
                byte[] chunk = new byte[256];
                try {
                    int n;
                    while ((n = in.read(chunk)) >= 0) {
                        got.write(chunk, 0, n);
                        if (got.size() > 4096) {
                            return Outcome.OTHER_REPLY;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    return got.size() == 0 ? Outcome.TIMED_OUT : Outcome.OTHER_REPLY;
                } catch (SocketException e) {
                    return Arrays.equals(got.toByteArray(), expected) ? Outcome.OTHER_REPLY : Outcome.RESET;
                }
                return flood.classify(got.toByteArray(), true, false);
            } catch (IOException e) {
                return Outcome.RESET;
            }
        }
    }

    private final AtomicLong done = new AtomicLong();

    Flood.Report run() throws Exception {
        List<Socket> held = fill();
        if (!flood.warmup.isZero()) {
            storm(flood.warmup, "warm-up");
            done.set(0);
        }
        long start = System.nanoTime();
        List<Loop> loops = storm(flood.storm, "storm");
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean heldStillServed = stillServed(held);
        for (Socket socket : held) {
            socket.close();
        }
        flood.progressDone();

        Map<Outcome, Integer> counts = Flood.emptyCounts();
        int total = loops.stream().mapToInt(l -> l.samples).sum();
        long[] all = new long[total];
        int at = 0;
        for (Loop loop : loops) {
            loop.counts.forEach((k, v) -> counts.merge(k, v, Integer::sum));
            System.arraycopy(loop.latencies, 0, all, at, loop.samples);
            at += loop.samples;
        }
        Arrays.sort(all);
        int attempts = counts.values().stream().mapToInt(Integer::intValue).sum();
        int wrong = attempts - counts.get(Outcome.REFUSED);
        double rate = counts.get(Outcome.REFUSED) / seconds;
        return new Flood.Report() {
            @Override
            public String table() {
                StringBuilder t = new StringBuilder();
                t.append(String.format(Locale.ROOT, "flood --storm %.1fs --parallel %d against 127.0.0.1:%d (%d held open%s)%n%n",
                        flood.storm.toMillis() / 1000.0, flood.parallel, flood.port, held.size(),
                        flood.warmup.isZero() ? "" : String.format(Locale.ROOT, ", after a %.1f s warm-up", flood.warmup.toMillis() / 1000.0)));
                t.append(String.format(Locale.ROOT, "  refusals          %10d in %.1f s: %.0f per second%n", counts.get(Outcome.REFUSED), seconds, rate));
                t.append(String.format(Locale.ROOT, "  latency (ms)      p50 %s   p99 %s   max %s   (connect to end of stream)%n",
                        Flood.percentile(all, 0.50), Flood.percentile(all, 0.99), Flood.percentile(all, 1.0)));
                t.append(String.format(Locale.ROOT, "  not the message   %10d", wrong));
                for (Outcome o : Outcome.values()) {
                    if (o != Outcome.REFUSED && counts.get(o) > 0) {
                        t.append(String.format(Locale.ROOT, "   %s: %d", o.label, counts.get(o)));
                    }
                }
                t.append('\n');
                t.append("  held clients      ").append(held.isEmpty() ? "none" : heldStillServed ? "still served afterwards" : "NOT served afterwards").append('\n');
                return t.toString();
            }

            @Override
            public Object json() {
                return new Json("storm", Math.round(seconds * 1000) / 1000.0, flood.parallel, counts.get(Outcome.REFUSED),
                        Math.round(rate * 10) / 10.0,
                        millis(Flood.percentile(all, 0.5)), millis(Flood.percentile(all, 0.99)), millis(Flood.percentile(all, 1.0)),
                        wrong, held.size(), heldStillServed);
            }
        };
    }

    /** Runs the storm's loops for this long; returns them with what each saw. */
    private List<Loop> storm(Duration length, String what) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        List<Loop> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < flood.parallel; i++) {
            Loop loop = new Loop(deadline);
            loops.add(loop);
            Thread thread = new Thread(loop, what + "-" + i);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                thread.join(1000);
                double secs = (System.nanoTime() - start) / 1e9;
                flood.progress(String.format(Locale.ROOT, "%s %.0f s: %d connections, %.0f/s", what, secs, done.get(), done.get() / secs));
            }
        }
        return loops;
    }

    /** Opens the connections that fill the server to its limit, each proven admitted by a round trip. */
    private List<Socket> fill() throws IOException {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < flood.fill; i++) {
            Socket socket = new Socket();
            socket.connect(flood.address(), (int) flood.timeout.toMillis());
            socket.setSoTimeout((int) flood.timeout.toMillis());
            held.add(socket);
            if (!roundTrip(socket)) {
                for (Socket s : held) {
                    s.close();
                }
                throw new IOException("fill connection " + (i + 1) + " of " + flood.fill + " was not served: is --fill above the server's limit?");
            }
        }
        return held;
    }

    private boolean stillServed(List<Socket> held) {
        for (Socket socket : held) {
            try {
                if (!roundTrip(socket)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private boolean roundTrip(Socket socket) throws IOException {
        socket.getOutputStream().write(flood.probeBytes());
        byte[] want = flood.replyBytes();
        byte[] got = socket.getInputStream().readNBytes(want.length);
        return Arrays.equals(got, want);
    }

    /** A percentile as printed in the table ("0.123", or "-" when there were no samples) as a number or null. */
    private static Double millis(String shown) {
        return shown.equals("-") ? null : Double.valueOf(shown);
    }

    /** The --json output of a storm: refusals per second and their latency in milliseconds. */
    record Json(String mode, double seconds, int parallel, int refusals, double refusalsPerSecond,
                Double p50Ms, Double p99Ms, Double maxMs, long notTheMessage, int held, boolean heldStillServed) {
    }
}
