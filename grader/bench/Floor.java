import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The refusal path's floor, for the benchmark only: a Java NIO loop that accepts, writes
 * "server at capacity\n" and closes, and does nothing else — no log, no count, no limit, no
 * non-blocking switch, shutdown or drain. The same selector, backlog and accept loop as the
 * solution, so that the solution's rate against this is the cost of the lesson's own code, and
 * this one's rate against Redis is the cost of the JDK.
 *
 *   java grader/bench/Floor.java PORT
 */
public final class Floor {

    public static void main(String[] args) throws Exception {
        ByteBuffer message = ByteBuffer.wrap("server at capacity\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try (Selector selector = Selector.open(); ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 1024);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            System.out.println("listening on 127.0.0.1:" + listener.socket().getLocalPort());
            while (true) {
                selector.select();
                Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    selected.next();
                    selected.remove();
                    SocketChannel channel;
                    while ((channel = listener.accept()) != null) {
                        try (SocketChannel refused = channel) {
                            refused.write(message.clear()); // a new socket's send buffer always takes 19 bytes
                        } catch (java.io.IOException e) {
                            // the client is gone
                        }
                    }
                }
            }
        }
    }
}
