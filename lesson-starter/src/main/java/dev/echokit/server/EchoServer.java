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
    // TODO(task 1): Keep the limit the command line gives.

    // One read buffer for every connection: the loop serves one connection at a time, so
    // an idle client costs no buffer at all (see Connection for what a slow one costs).
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(Connection.MAX_PENDING_BYTES);

    private volatile Selector selector;
    private volatile boolean stopRequested;
    // TODO(task 2): Count the clients that are connected right now.

    // TODO(task 1): Take the limit as a third argument.
    EchoServer(InetAddress bind, int port) {
        this.address = new InetSocketAddress(bind, port);
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
            // TODO(task 1): End this line with " (max clients: N)" so the log says which limit is in force.
            Log.info("listening on " + hostAndPort((InetSocketAddress) listener.getLocalAddress()));

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
            // TODO(task 2): Before admitting, compare the count with the limit: at the limit, refuse instead.
            admit(channel);
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
        // TODO(task 2): Count the new client, and end this line with " (N/MAX)".
        Log.info("accepted connection from " + peer);
    }

    // TODO(task 3): A client past the limit is refused here: it is accepted, never registered and
    // never counted (task 2 calls this at the limit).
    private void refuse(SocketChannel channel) {
        // TODO(task 4): Log every refusal as "rejected connection: at capacity (N/MAX)".

        // TODO(task 3): Write the line "server at capacity", then close it; the hints give the safest order.
    }

    private void connectionClosed(Connection connection) {
        // TODO(task 5): A client left, however it left: give its slot back, and end this line with " (N/MAX)".
        Log.info("closed connection from " + connection.peer());
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
