package dev.echokit.grader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** A listener on this machine's loopback, outside every grading: it counts whoever reaches it. */
public final class HostListener implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger heard = new AtomicInteger();
    private final Thread acceptor;

    public HostListener() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(200);
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket ignored = socket.accept()) {
                    heard.incrementAndGet();
                } catch (SocketTimeoutException e) {
                    // look again, until closed
                } catch (IOException e) {
                    return;
                }
            }
        }, "host-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int heard() {
        return heard.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        acceptor.join(2000);
    }
}
