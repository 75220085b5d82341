package dev.echokit.grader.process;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What a graded server does when it starts, done once to list the classes it loads: the list the
 * servers' class-data archive is made from (see {@link ClassShare}). It reads the lesson's options
 * with picocli, as the contract asks (a bad value too, and --help), opens a selector and a
 * listener on 127.0.0.1, serves and refuses one client of its own, and exits. It is never graded
 * and never a server: it ends by itself within a second.
 *
 * <p>Only the JDK's and picocli's classes of the list go into the archive; this class and the
 * learner's stay out of it (a learner's classes load as they always did).
 */
@Command(name = "echo-server", mixinStandardHelpOptions = true, version = "training", sortOptions = false,
        description = "Loads what a server loads when it starts.")
public final class ServerTraining implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "9000", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int port;

    private int maxClients;

    @Option(names = "--max-clients", defaultValue = "100", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    void setMaxClients(int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value '" + value + "' for option '--max-clients': must be at least 1.");
        }
        maxClients = value;
    }

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Default: ${DEFAULT-VALUE}.")
    private InetAddress bind;

    @Override
    public Integer call() throws IOException, InterruptedException {
        StringBuilder log = new StringBuilder();
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
        try (Selector selector = Selector.open(); ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            InetSocketAddress where = (InetSocketAddress) listener.getLocalAddress();
            log.append(String.format("%s listening on %s:%d (max clients: %d)%n", LocalTime.now().format(time),
                    where.getHostString(), where.getPort(), maxClients));
            // A client of its own, served once and refused once, through a selector and through a thread.
            ExecutorService pool = Executors.newFixedThreadPool(1);
            try (SocketChannel client = SocketChannel.open(where)) {
                selector.select(1000);
                selector.selectedKeys().clear();
                try (SocketChannel accepted = listener.accept()) {
                    if (accepted != null) {
                        accepted.configureBlocking(false);
                        accepted.register(selector, SelectionKey.OP_READ);
                        client.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
                        selector.select(1000);
                        ByteBuffer buffer = ByteBuffer.allocate(64);
                        accepted.read(buffer);
                        buffer.flip();
                        pool.submit(() -> log.append("echo ").append(StandardCharsets.UTF_8.decode(buffer))).get(5, TimeUnit.SECONDS);
                        accepted.write(ByteBuffer.wrap("server at capacity\n".getBytes(StandardCharsets.UTF_8)));
                        accepted.shutdownOutput();
                        log.append(accepted.getRemoteAddress()).append(" rejected connection: at capacity (1/1)\n");
                    }
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.append(e);
            } finally {
                pool.shutdownNow();
            }
        }
        return log.isEmpty() ? 1 : 0;
    }

    public static void main(String[] args) {
        // The error and help paths a graded server takes for a bad option (five of a grading's starts).
        CommandLine bad = commandLine(new StringWriter());
        bad.execute("--max-clients", "0");
        bad.execute("--port", "x");
        commandLine(new StringWriter()).execute("--help");
        System.exit(commandLine(new StringWriter()).execute(args.length == 0 ? new String[] {"--port", "0", "--max-clients", "3"} : args));
    }

    private static CommandLine commandLine(StringWriter out) {
        CommandLine cli = new CommandLine(new ServerTraining());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        cli.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("echo-server: " + ex.getMessage());
            return ex.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }
}
