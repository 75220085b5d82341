package dev.echokit.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/** One admitted client: echoes what it sends, holds back what it cannot take yet, and closes exactly once. */
final class Connection {

    /** The most a client can have waiting to be echoed; the server reads no more from it until that drains. */
    static final int MAX_PENDING_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final String peer;
    private final Consumer<Connection> onClose;

    private ByteBuffer pending;       // bytes read but not yet written back; null when there are none
    private boolean peerDoneSending;  // the client half-closed: finish echoing, then close
    private boolean closed;

    Connection(SocketChannel channel, String peer, Consumer<Connection> onClose) {
        this.channel = channel;
        this.peer = peer;
        this.onClose = onClose;
    }

    String peer() {
        return peer;
    }

    /** Called by the loop when the channel is ready; {@code scratch} is the loop's shared read buffer. */
    void handle(SelectionKey key, ByteBuffer scratch) {
        try {
            if (key.isValid() && key.isWritable()) {
                writePending(key);
            }
            if (key.isValid() && key.isReadable()) {
                readAndEcho(key, scratch);
            }
        } catch (IOException e) {
            // A reset or a broken pipe: the client left abruptly. That is normal, not a bug.
            close();
        }
    }

    private void readAndEcho(SelectionKey key, ByteBuffer scratch) throws IOException {
        scratch.clear();
        int read = channel.read(scratch);
        if (read < 0) {
            peerDoneSending = true;
            closeIfFinished();
            return;
        }
        scratch.flip();
        channel.write(scratch);
        if (scratch.hasRemaining()) {
            // The client is not reading as fast as it writes. Keep the rest (at most one
            // read's worth) and stop reading from it until the rest is written: that is
            // what bounds the memory one client can make the server hold.
            pending = ByteBuffer.allocate(scratch.remaining()).put(scratch).flip();
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }

    private void writePending(SelectionKey key) throws IOException {
        channel.write(pending);
        if (pending.hasRemaining()) {
            return; // still full; OP_WRITE stays on and the loop calls again
        }
        pending = null;
        if (!closeIfFinished()) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private boolean closeIfFinished() {
        if (peerDoneSending && pending == null) {
            close();
            return true;
        }
        return false;
    }

    /** Releases the connection and its slot; later calls do nothing, whatever ended it. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close(); // also cancels its selection key
        } catch (IOException e) {
            // The descriptor is released even when close reports an error.
        }
        onClose.accept(this);
    }
}
