package dev.echokit.flood;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads a server on 127.0.0.1 to show what a connection limit is for: many clients held at once,
 * a storm of refusals, or many clients echoing. Every loop is bounded in count and in time.
 */
@Command(name = "flood", mixinStandardHelpOptions = true, version = "flood 1.0 (EchoKit)", sortOptions = false,
        description = {"Loads an echo server on 127.0.0.1 and reports what happened to every connection.",
                "Modes: --clients N (hold many), --storm DURATION (refusals at the limit), --echo N (throughput)."})
public final class Flood implements Callable<Integer> {

    /** One line of JSON for --json; flood is a tool of its own and shares nothing with the grader. */
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Option(names = "--port", required = true, paramLabel = "P", description = "The server's port on 127.0.0.1.")
    int port;

    @Option(names = "--clients", paramLabel = "N", description = "Open N connections in waves, hold them, then release them.")
    Integer clients;

    @Option(names = "--storm", paramLabel = "DURATION", description = "Connect, read to end of stream, close, as fast as possible, for this long (e.g. 5s). Fill the server first with --fill.")
    Duration storm;

    @Option(names = "--warmup", defaultValue = "0s", paramLabel = "DURATION",
            description = "Before a storm is measured, storm this long and drop the results: both sides' JIT compilers finish their work first. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--echo", paramLabel = "N", description = "N clients each send lines and wait for them back, for --duration.")
    Integer echoClients;

    @Option(names = "--fill", defaultValue = "0", paramLabel = "N", description = "Before a storm, hold N connections open (the server's limit). Default: ${DEFAULT-VALUE}.")
    int fill;

    @Option(names = "--parallel", defaultValue = "2", paramLabel = "K", description = "Storm loops running at once. Default: ${DEFAULT-VALUE}.")
    int parallel;

    @Option(names = "--wave", defaultValue = "100", paramLabel = "N", description = "Connections opened per wave with --clients. Default: ${DEFAULT-VALUE}.")
    int wave;

    @Option(names = "--hold", defaultValue = "2s", paramLabel = "DURATION", description = "How long --clients holds its connections. Default: ${DEFAULT-VALUE}.")
    Duration hold;

    @Option(names = "--duration", defaultValue = "3s", paramLabel = "DURATION", description = "How long --echo runs. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--timeout", defaultValue = "2s", paramLabel = "DURATION", description = "How long one connection may wait for its answer. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--expect", defaultValue = "server at capacity\\n", paramLabel = "TEXT", description = "The refusal message (\\n and \\r understood). Default: ${DEFAULT-VALUE}.")
    String expect;

    @Option(names = "--probe", defaultValue = "ping\\n", paramLabel = "TEXT", description = "What an admitted client sends; it must come back (for Redis: PING\\r\\n with --reply +PONG\\r\\n). Default: ${DEFAULT-VALUE}.")
    String probe;

    @Option(names = "--reply", paramLabel = "TEXT", description = "The answer to --probe, when it is not the probe itself (servers other than echo).")
    String reply;

    @Option(names = "--pid", paramLabel = "PID", description = "The server's process id: report its open descriptors and resident memory (Linux).")
    Long pid;

    @Option(names = "--json", description = "Print the results as one JSON object instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out = System.out;
    private final PrintStream progress = System.err;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Flood()).registerConverter(Duration.class, Flood::parseDuration);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            ex.getCommandLine().getErr().println("flood: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'flood --help' for the options.");
            return 2;
        });
        System.exit(cli.execute(args));
    }

    /** "5s", "500ms", "2m", or an ISO-8601 duration such as "PT5S". */
    static Duration parseDuration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration: write it as 500ms, 5s or 2m");
        }
    }

    @Override
    public Integer call() throws Exception {
        int modes = (clients != null ? 1 : 0) + (storm != null ? 1 : 0) + (echoClients != null ? 1 : 0);
        if (modes != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "choose exactly one of --clients, --storm and --echo");
        }
        if (storm != null && (storm.isNegative() || storm.compareTo(Duration.ofMinutes(10)) > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--storm': must be at most 10 minutes.");
        }
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--warmup': must be between 0s and 10 minutes.");
        }
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value '" + port + "' for option '--port': must be between 1 and 65535.");
        }
        expectedBytes = unescape(expect).getBytes(StandardCharsets.UTF_8);
        probeBytes = unescape(probe).getBytes(StandardCharsets.UTF_8);
        replyBytes = unescape(reply == null ? probe : reply).getBytes(StandardCharsets.UTF_8);
        Report report;
        if (clients != null) {
            bounded("--clients", clients, 1, 100_000);
            report = new HoldRun(this).run();
        } else if (storm != null) {
            bounded("--parallel", parallel, 1, 64);
            report = new StormRun(this).run();
        } else {
            bounded("--echo", echoClients, 1, 10_000);
            report = new EchoRun(this).run();
        }
        out.println(json ? JSON.writeValueAsString(report.json()) : report.table());
        return 0;
    }

    private void bounded(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value '" + value + "' for option '" + option + "': must be between " + min + " and " + max + ".");
        }
    }

    // ---- shared helpers ---------------------------------------------------------------------------

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    // The options as bytes, worked out once in call() rather than on every read.
    private byte[] expectedBytes;
    private byte[] probeBytes;
    private byte[] replyBytes;

    byte[] expected() {
        return expectedBytes;
    }

    byte[] probeBytes() {
        return probeBytes;
    }

    byte[] replyBytes() {
        return replyBytes;
    }

    static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }

    void progress(String line) {
        if (!json) {
            progress.print("\r" + line + "   ");
            progress.flush();
        }
    }

    void progressDone() {
        if (!json) {
            progress.print("\r" + " ".repeat(100) + "\r");
            progress.flush();
        }
    }

    /** Classifies what a connection that was not admitted received, once the exchange is over. */
    Outcome classify(byte[] got, boolean ended, boolean reset) {
        if (java.util.Arrays.equals(got, expectedBytes) && ended) {
            return Outcome.REFUSED;
        }
        if (reset) {
            return Outcome.RESET;
        }
        if (got.length > 0) {
            return Outcome.OTHER_REPLY;
        }
        return ended ? Outcome.CLOSED : Outcome.TIMED_OUT;
    }

    static Map<Outcome, Integer> emptyCounts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        return counts;
    }

    /** A finished run: a table for people, and a record that is printed as JSON for machines. */
    interface Report {
        String table();

        Object json();
    }

    static String percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return "-";
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
        return String.format(Locale.ROOT, "%.3f", sortedNanos[Math.max(0, index)] / 1e6);
    }

    /** Drives the selector until every key is done or the deadline passes. */
    static void drive(Selector selector, long deadlineNanos, KeyHandler handler) throws IOException {
        while (!selector.keys().isEmpty() && System.nanoTime() < deadlineNanos) {
            long waitMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            selector.select(Math.min(waitMillis, 100));
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                handler.handle(key);
            }
        }
    }

    interface KeyHandler {
        void handle(SelectionKey key);
    }
}
