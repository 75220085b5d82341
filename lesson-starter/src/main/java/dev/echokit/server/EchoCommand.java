package dev.echokit.server;

import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code echo-server} command line: reads the options, then runs an {@link EchoServer} until it is stopped. */
@Command(
        name = "echo-server",
        mixinStandardHelpOptions = true,
        version = "echo-server 1.0 (EchoKit lesson w02-l12)",
        description = "Echoes every byte back to its sender.",
        sortOptions = false)
public final class EchoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "9000", paramLabel = "N",
            description = "TCP port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    private int port;

    // TODO(task 1): Add a --max-clients option (default 100). A value below 1 must stop the program
    // with a ParameterException whose message names --max-clients, the way picocli reports bad input.

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    private InetAddress bind;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value '" + port + "' for option '--port': must be between 0 and 65535.");
        }
        // TODO(task 1): Hand the limit to the server.
        EchoServer server = new EchoServer(bind, port);
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: the JVM runs this hook on its own thread. It asks the loop to
        // close the listener and every client, and gives it a moment to do so before exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            awaitQuietly(finished);
        }, "echo-server-shutdown"));
        try {
            return server.run();
        } finally {
            finished.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parser with EchoKit's error style: one line naming the bad option, then where to get help. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new EchoCommand());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println("echo-server: " + ex.getMessage());
            bad.getErr().println("Try 'echo-server --help' for the options.");
            return bad.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }
}
