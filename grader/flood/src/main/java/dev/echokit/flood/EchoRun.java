package dev.echokit.flood;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** {@code flood --echo N}: N clients each send a line and wait for it back, over and over, for --duration. */
final class EchoRun {

    private final Flood flood;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    EchoRun(Flood flood) {
        this.flood = flood;
    }

    Flood.Report run() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < flood.echoClients; i++) {
                Socket socket = new Socket();
                socket.connect(flood.address(), (int) flood.timeout.toMillis());
                socket.setSoTimeout((int) flood.timeout.toMillis());
                socket.setTcpNoDelay(true);
                sockets.add(socket);
            }
            CountDownLatch go = new CountDownLatch(1);
            long[] deadline = new long[1];
            List<Thread> threads = new ArrayList<>();
            for (Socket socket : sockets) {
                Thread thread = new Thread(() -> loop(socket, go, deadline), "echo-client");
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            long start = System.nanoTime();
            deadline[0] = start + flood.duration.toNanos();
            go.countDown();
            for (Thread thread : threads) {
                thread.join(flood.duration.toMillis() + flood.timeout.toMillis() + 1000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = roundTrips.get() / seconds;
            return new Flood.Report() {
                @Override
                public String table() {
                    return String.format(Locale.ROOT, "flood --echo %d against 127.0.0.1:%d%n%n  round trips %10d in %.1f s: %.0f per second%n  failed      %10d%n",
                            flood.echoClients, flood.port, roundTrips.get(), seconds, rate, failures.get());
                }

                @Override
                public Object json() {
                    return new Json("echo", flood.echoClients, Math.round(seconds * 1000) / 1000.0, roundTrips.get(),
                            Math.round(rate * 10) / 10.0, failures.get());
                }
            };
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private void loop(Socket socket, CountDownLatch go, long[] deadline) {
        byte[] probe = flood.probeBytes();
        byte[] want = flood.replyBytes();
        try {
            go.await(10, TimeUnit.SECONDS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            while (System.nanoTime() < deadline[0]) {
                out.write(probe);
                byte[] got = in.readNBytes(want.length);
                if (!Arrays.equals(got, want)) {
                    failures.incrementAndGet();
                    return;
                }
                roundTrips.incrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            failures.incrementAndGet();
        }
    }

    /** The --json output of an echo run. */
    record Json(String mode, int clients, double seconds, long roundTrips, double roundTripsPerSecond, long failed) {
    }
}
