package dev.echokit.grader.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One client connection to the graded server. Every read is bounded, and every outcome is
 * described in words a learner can act on.
 */
public final class Probe implements AutoCloseable {

    /** How a read ended. */
    public enum Ending {
        /** The grader stopped reading (it had the bytes it waited for, or the rest of an answer); the connection is still open. */
        COMPLETE("the connection stayed open"),
        /** The server closed the connection cleanly. */
        END_OF_STREAM("the server closed the connection (end of stream)"),
        /** The server reset the connection. */
        RESET("the connection was reset: the server closed it while data was unread, or crashed"),
        /** Nothing more arrived in time. */
        TIMEOUT("nothing more arrived before the deadline"),
        /** The connection was never made: nothing listened on the port when the client knocked. */
        REFUSED("the connection was refused: nothing was listening on the server's port");

        private final String words;

        Ending(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * What a read returned: the bytes, how it ended, and, when it ended early because the server was
     * seen leaving the client unanswered ({@link #watchedBy}), what was seen.
     */
    public record Received(byte[] bytes, Ending ending, long millis, Unanswered unanswered) {
        public Received(byte[] bytes, Ending ending, long millis) {
            this(bytes, ending, millis, null);
        }

        /** Whether this is {@code line} echoed back intact, and nothing else. */
        public boolean isEchoOf(String line) {
            return ending == Ending.COMPLETE && text().equals(line + "\n");
        }

        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The bytes as a Java string literal, so that a missing newline shows. */
        public String quoted() {
            return quote(text());
        }

        public String describe() {
            if (ending == Ending.REFUSED) {
                return ending.words();
            }
            if (unanswered != null) {
                return (bytes.length == 0 ? "received nothing" : "received " + quoted() + ", then nothing more") + " in the " + millis
                        + " ms the grader watched, and none was coming: " + unanswered.words();
            }
            return "received " + (bytes.length == 0 ? "nothing" : quoted()) + ", then " + ending.words()
                    + " (the read ended after " + millis + " ms)";
        }
    }

    /**
     * What /proc showed of a client the server left waiting: whether the server had accepted the
     * connection, and all that was seen, in words.
     */
    public record Unanswered(boolean accepted, String words) {
    }

    private final Socket socket;
    private RunningServer watcher; // see watchedBy
    /** How the connection ended while it was being made (refused, or reset at once); null once it is made. */
    private final Ending atConnect;

    private Probe(Socket socket, Ending atConnect) {
        this.socket = socket;
        this.atConnect = atConnect;
    }

    /**
     * Connects to 127.0.0.1:port. A connection refused, or reset before it was made, is an
     * observation, not an error: every read on the probe then ends that way at once ({@link
     * Ending#REFUSED}, {@link Ending#RESET}), and a send does nothing. A server may close its listener
     * while full, or turn a client away with a reset so fast that it lands during the handshake, and
     * still be right about who gets in; the checks judge that, and a dead server is told by its
     * process, not by this.
     */
    public static Probe connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        } catch (ConnectException e) {
            socket.close();
            return new Probe(socket, Ending.REFUSED);
        } catch (SocketException e) {
            socket.close();
            return new Probe(socket, Ending.RESET);
        }
        socket.setTcpNoDelay(true);
        return new Probe(socket, null);
    }

    /** The client's own port, as the server's log names the peer (0 when the connection was never made). */
    public int localPort() {
        return atConnect == null ? socket.getLocalPort() : 0;
    }

    /**
     * Reads on this probe that wait for an answer end early, as a timeout, once {@code server} has been
     * seen leaving this client waiting ({@link RunningServer#leavesWaiting}) with every thread asleep
     * for a whole {@link #UNANSWERED} (stretched with the load), or while its threads spent
     * {@link #BUSY} on a core: where Linux's /proc shows it, a client left
     * waiting costs that, not the read's deadline. The verdict is the same; only the wait is shorter.
     */
    public Probe watchedBy(RunningServer server) {
        this.watcher = server;
        return this;
    }

    /** How long a client must be seen left unanswered, with every server thread asleep, before a watched read gives up. */
    public static final Duration UNANSWERED = Duration.ofMillis(300);

    /**
     * Or: how much time on a core the server's own threads may spend while this client stays left
     * waiting. An echo or a refusal takes well under a millisecond of it; a loop that spins past the
     * client spends this in a quarter of a second. Time on a core is what a busy machine cannot stretch, so
     * it is not stretched.
     */
    public static final Duration BUSY = Duration.ofMillis(250);

    /** Whether the connection was refused: nothing listened on the port. */
    public boolean refused() {
        return atConnect == Ending.REFUSED;
    }

    /** Whether the connection was never made: refused, or reset during the handshake. */
    public boolean neverConnected() {
        return atConnect != null;
    }

    /** Half-closes: the server reads end of stream; does nothing on a connection that was never made. */
    public void shutdownOutput() throws IOException {
        if (atConnect == null) {
            socket.shutdownOutput();
        }
    }

    public Socket socket() {
        return socket;
    }

    public void send(byte[] bytes) throws IOException {
        if (atConnect != null) {
            return; // there is no connection to write to; the next read says why
        }
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a line and waits for it to come back; the result tells what came instead if it did not.
     * When the answer is not the echo, the rest of it is read too (briefly), so that a message such
     * as "server at capacity" is shown whole rather than cut at the echo's length.
     */
    public Received echo(String line, Duration timeout) throws IOException {
        byte[] sent = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            send(sent);
        } catch (SocketException e) {
            return new Received(new byte[0], Ending.RESET, 0);
        }
        Received back = read(sent.length, timeout);
        if (back.ending() != Ending.COMPLETE || java.util.Arrays.equals(back.bytes(), sent)) {
            return back;
        }
        Received rest = readToEnd(Duration.ofMillis(300));
        byte[] all = java.util.Arrays.copyOf(back.bytes(), back.bytes().length + rest.bytes().length);
        System.arraycopy(rest.bytes(), 0, all, back.bytes().length, rest.bytes().length);
        return new Received(all, rest.ending() == Ending.TIMEOUT ? Ending.COMPLETE : rest.ending(), back.millis() + rest.millis());
    }

    /** True when the line comes back intact within the timeout. */
    public boolean isEchoed(String line, Duration timeout) {
        try {
            return echo(line, timeout).isEchoOf(line);
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads until {@code expected} bytes arrived, the stream ends, it is reset, or the time is up. */
    public Received read(int expected, Duration timeout) throws IOException {
        return readUntil(expected, timeout);
    }

    /** Reads until the server closes the connection (or resets it, or the time is up). */
    public Received readToEnd(Duration timeout) throws IOException {
        return readUntil(Integer.MAX_VALUE, timeout);
    }

    private Received readUntil(int expected, Duration timeout) throws IOException {
        if (atConnect != null) {
            return new Received(new byte[0], atConnect, 0);
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[64 * 1024];
        Ending ending;
        LeftWaiting evidence = new LeftWaiting(BUSY.toNanos());
        Unanswered why = null;
        while (true) {
            if (received.size() >= expected) {
                ending = Ending.COMPLETE;
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                ending = Ending.TIMEOUT;
                break;
            }
            boolean watched = watcher != null;
            socket.setSoTimeout((int) Math.max(1, Math.min(left / 1_000_000, watched ? 25 : Long.MAX_VALUE)));
            try {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, (long) expected - received.size()));
                if (n < 0) {
                    ending = Ending.END_OF_STREAM;
                    break;
                }
                received.write(chunk, 0, n);
                evidence.answered();
            } catch (SocketTimeoutException e) {
                if (!watched || System.nanoTime() >= deadline) {
                    ending = Ending.TIMEOUT;
                    break;
                }
                Optional<Unanswered> seen = evidence.poll(watcher.leavesWaiting(socket.getLocalPort()), received.size(), System.nanoTime(),
                        Patience.of(UNANSWERED).toNanos());
                if (seen.isPresent()) {
                    ending = Ending.TIMEOUT;
                    why = seen.get();
                    break;
                }
            } catch (SocketException e) {
                ending = Ending.RESET;
                break;
            }
        }
        Timeline.waited(start, "read from port " + socket.getPort() + " (client " + socket.getLocalPort() + "): " + received.size()
                + " bytes, " + ending);
        return new Received(received.toByteArray(), ending, (System.nanoTime() - start) / 1_000_000, why);
    }

    /**
     * After the server ended the connection with a clean end of stream: did it reset it as well? A
     * server that closes with SO_LINGER 0 sends its reset right behind its FIN, within its own close;
     * a byte written after that fails at once, where a connection closed cleanly still takes it (the
     * reset that byte earns comes later). A clean server sends no event to wait for, so this waits a
     * bounded {@code settle} and then writes. Returns how long after the call the byte was written,
     * negative when the write failed: the connection had been reset.
     */
    public long writeAfterEnd(Duration settle) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(settle.toMillis()); // a bounded wait for an event a correct server never sends
        long after = (System.nanoTime() - start) / 1_000_000;
        try {
            send(new byte[] {'.'});
            return after;
        } catch (IOException e) {
            return -Math.max(after, 1);
        }
    }

    /** Closes with a TCP reset instead of a FIN, as a crashed client would. */
    public void reset() throws IOException {
        if (atConnect != null) {
            return;
        }
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                default -> out.append(c < 32 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
            if (out.length() > 200) {
                return out.append("...\" (").append(text.length()).append(" chars)").toString();
            }
        }
        return out.append('"').toString();
    }
}
