package dev.echokit.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking test client on loopback whose every read is bounded by a timeout. */
final class Client implements AutoCloseable {

    static final int READ_TIMEOUT_MILLIS = 5000;

    private final Socket socket;

    Client(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Sends a line and returns what comes back in the same number of bytes. */
    String echo(String line) throws IOException {
        byte[] sent = (line + "\n").getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(sent);
        return new String(readExactly(sent.length), StandardCharsets.UTF_8).stripTrailing();
    }

    /** True when the line comes back; false on end of stream, reset or timeout. */
    boolean isEchoed(String line) {
        try {
            return echo(line).equals(line);
        } catch (IOException e) {
            return false;
        }
    }

    byte[] readExactly(int length) throws IOException {
        byte[] bytes = socket.getInputStream().readNBytes(length);
        if (bytes.length < length) {
            throw new IOException("end of stream after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /** Reads until the server closes; throws on a reset or when nothing ends within the timeout. */
    String readToEnd() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                received.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no end of stream within " + READ_TIMEOUT_MILLIS
                    + " ms; received so far: '" + received.toString(StandardCharsets.UTF_8) + "'");
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Closes with a TCP reset instead of a FIN, as a crashed client would. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
