package dev.echokit.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/** The event loop: one thread and one selector that accept clients and echo what they send. */
final class EchoServer {

    /**
     * How many connections the kernel may hold, handshake done, until the loop accepts them. Java's
     * default is 50: a burst of clients larger than that has its handshakes dropped and retried a
     * second later. (The kernel caps it at net.core.somaxconn.)
     */
    private static final int BACKLOG = 1024;

    private final InetSocketAddress address;
    private final int maxClients;

    // One read buffer for every connection: the loop serves one connection at a time, so
    // an idle client costs no buffer at all (see Connection for what a slow one costs).
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(Connection.MAX_PENDING_BYTES);

    private volatile Selector selector;
    private volatile boolean stopRequested;
    private int clients;

    EchoServer(InetAddress bind, int port, int maxClients) {
        this.address = new InetSocketAddress(bind, port);
        this.maxClients = maxClients;
    }

    /** Serves until {@link #stop()} is called; returns the process exit code (0 stopped, 1 could not listen). */
    int run() {
        try {
            return listenAndServe();
        } finally {
            Log.flush();
        }
    }

    private int listenAndServe() {
        try (Selector selector = Selector.open();
             ServerSocketChannel listener = ServerSocketChannel.open()) {
            // The JDK opens a descriptor of its own the first time any socket is closed.
            // Make that happen now: after the process runs out of descriptors it could not.
            SocketChannel.open().close();
            try {
                listener.bind(address, BACKLOG);
            } catch (BindException e) {
                Log.info("cannot listen on " + hostAndPort(address) + ": " + e.getMessage());
                return 1;
            }
            listener.configureBlocking(false);
            SelectionKey acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
            this.selector = selector;
            Log.info("listening on " + hostAndPort((InetSocketAddress) listener.getLocalAddress())
                    + " (max clients: " + maxClients + ")");

            serve(listener, acceptKey, new AcceptPause(acceptKey));
            Log.info("shutting down");
            closeAllConnections();
            return 0;
        } catch (IOException e) {
            Log.info("server failed: " + e.getMessage());
            return 1;
        }
    }

    // The loop: wait for channels to be ready, then let the listener accept or the connection
    // attached to the key do its work. Each turn handles everything that is ready.
    private void serve(ServerSocketChannel listener, SelectionKey acceptKey, AcceptPause pause) throws IOException {
        while (!stopRequested) {
            pause.resumeIfDue();
            Log.flush(); // everything that happened is in the log before the loop sleeps
            selector.select(pause.selectTimeoutMillis());
            Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
            while (selected.hasNext()) {
                SelectionKey key = selected.next();
                selected.remove();
                if (key == acceptKey) {
                    acceptAll(listener, pause);
                } else {
                    ((Connection) key.attachment()).handle(key, readBuffer);
                }
            }
        }
    }

    private void closeAllConnections() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection) {
                ((Connection) key.attachment()).close();
            }
        }
    }

    /** Asks the loop to close every connection and return; safe to call from any thread. */
    void stop() {
        stopRequested = true;
        Selector current = selector;
        if (current != null) {
            current.wakeup();
        }
    }

    // Accept everything that is waiting, so that nobody sits in the kernel's backlog.
    private void acceptAll(ServerSocketChannel listener, AcceptPause pause) {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                pause.start(e); // almost always "Too many open files": see AcceptPause
                return;
            }
            if (channel == null) {
                return;
            }
            pause.endEpisode();
            if (clients >= maxClients) {
                refuse(channel);
            } else {
                admit(channel);
            }
        }
    }

    private void admit(SocketChannel channel) {
        String peer = peerOf(channel);
        try {
            channel.configureBlocking(false);
            Connection connection = new Connection(channel, peer, this::connectionClosed);
            channel.register(selector, SelectionKey.OP_READ, connection);
        } catch (IOException e) {
            Log.info("could not set up connection from " + peer + ": " + e.getMessage());
            closeQuietly(channel);
            return;
        }
        clients++;
        Log.info("accepted connection from " + peer + " (" + clients + "/" + maxClients + ")");
    }

    /** What a client past the limit reads before the server closes its connection. */
    private static final byte[] AT_CAPACITY = "server at capacity\n".getBytes(StandardCharsets.US_ASCII);

    // The refused client gets the whole line and then a clean end of stream. Shutting down
    // output sends the FIN right after the line; reading what the client already sent keeps
    // close() from answering with a reset, which could make the client lose the line.
    // The channel is never registered or counted: it costs nothing once this returns.
    private void refuse(SocketChannel channel) {
        Log.info("rejected connection: at capacity (" + clients + "/" + maxClients + ")");

        try {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(AT_CAPACITY)); // 19 bytes always fit a new socket's send buffer
            channel.shutdownOutput();
            drainBriefly(channel);
        } catch (IOException e) {
            // The client is already gone; there is nobody left to tell.
        } finally {
            closeQuietly(channel);
        }
    }

    private void drainBriefly(SocketChannel channel) throws IOException {
        for (int reads = 0; reads < 4; reads++) {
            if (channel.read(readBuffer.clear()) <= 0) {
                return;
            }
        }
    }

    private void connectionClosed(Connection connection) {
        clients--;
        Log.info("closed connection from " + connection.peer() + " (" + clients + "/" + maxClients + ")");
    }

    static String hostAndPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static String peerOf(SocketChannel channel) {
        try {
            return hostAndPort((InetSocketAddress) channel.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            return "unknown peer";
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is best effort; the descriptor is released either way.
        }
    }
}
