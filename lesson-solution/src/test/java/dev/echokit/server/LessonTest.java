package dev.echokit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keeps the lesson and the README true to the code: every command in a fenced block and every
 * quoted log line or message must be one the kit really runs or prints.
 */
@DisplayName("The lesson and the README")
class LessonTest {

    private static final Path ROOT = Path.of("..");
    private static final List<Path> DOCS = List.of(
            ROOT.resolve("README.md"),
            ROOT.resolve("lessons/w02-l12-connection-limits/README.md"),
            ROOT.resolve("lessons/w02-l12-connection-limits/instructor.md"),
            ROOT.resolve("lessons/w02-l12-connection-limits/maintainers.md"));

    /** The words that start a line of the contract; a quote starting with one of them must match the code's output. */
    private static final List<String> EVENTS = List.of("listening on", "accepted connection from", "rejected connection:",
            "closed connection from", "cannot listen on", "echo-server: Invalid value", "shutting down", "cannot accept:",
            "accepting again", "server at capacity");

    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern TIMESTAMP = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");

    private static final List<String> realLines = new ArrayList<>();

    @BeforeAll
    static void collectRealOutput() throws Exception {
        // The lesson's own scenario, run for real: three admitted, one refused, one leaves, one more admitted.
        try (ServerProcess server = ServerProcess.start("--max-clients", "3");
             Client a = new Client(server.port()); Client b = new Client(server.port()); Client c = new Client(server.port())) {
            assertThat(List.of(a, b, c)).allMatch(client -> client.isEchoed("hi"));
            try (Client refused = new Client(server.port())) {
                realLines.add(refused.readToEnd());
            }
            b.close();
            server.awaitLines(line -> line.contains("closed connection"), 1, Duration.ofSeconds(5));
            try (Client d = new Client(server.port())) {
                assertThat(d.isEchoed("in")).isTrue();
            }
            server.terminate();
            server.awaitExit(Duration.ofSeconds(5));
            realLines.addAll(server.log());
        }
        realLines.addAll(ServerProcess.run("--max-clients", "0").output().lines().toList());
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            realLines.addAll(ServerProcess.run("--port", Integer.toString(taken.getLocalPort())).output().lines().toList());
        }
        // The descriptor-exhaustion lines; AbuseTest.survivesDescriptorExhaustion checks the server prints exactly these.
        realLines.add("cannot accept: Too many open files; retrying every 100 ms");
        realLines.add("accepting again");
    }

    @Test
    @DisplayName("quote only log lines and messages the server really prints")
    void quotedMessagesMatchTheCode() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path doc : DOCS) {
            for (String quote : quotes(Files.readString(doc))) {
                String text = TIMESTAMP.matcher(quote).replaceFirst("").replace("\\n", "\n");
                if (EVENTS.stream().noneMatch(text::startsWith) || EVENTS.contains(text)) {
                    continue; // not a contract line, or just the event's name
                }
                boolean matches = realLines.stream().map(LessonTest::shapeOf)
                        .anyMatch(shape -> shape.matcher(text).matches() || shape.matcher(text + "\n").matches());
                if (!matches) {
                    problems.add(ROOT.relativize(doc) + ": `" + quote + "`");
                }
            }
        }
        assertThat(problems).as("quotes that no real output line matches (real lines: %s)", realLines).isEmpty();
    }

    @Test
    @DisplayName("show only commands that work as written")
    void commandsWork() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path doc : DOCS) {
            for (String command : commands(Files.readString(doc))) {
                String problem = check(command);
                if (problem != null) {
                    problems.add(ROOT.relativize(doc) + ": " + command + "\n      " + problem);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static String check(String command) throws Exception {
        List<String> words = new ArrayList<>(Arrays.asList(command.split("\\s+")));
        switch (words.get(0)) {
            case "./mvnw", "mvn" -> {
                return checkMaven(words);
            }
            case "java" -> {
                return checkJar(words);
            }
            case "nc" -> {
                if (words.equals(List.of("nc", "127.0.0.1", "9000"))) {
                    return null;
                }
                return words.equals(List.of("nc", "-N", "127.0.0.1", "9000")) ? checkHalfClose()
                        : "only `nc 127.0.0.1 9000` or `nc -N 127.0.0.1 9000` is expected";
            }
            case "grep" -> {
                return Files.isDirectory(ROOT.resolve(words.get(words.size() - 1))) ? null : "no such folder";
            }
            case "bash" -> {
                // bash -c 'ulimit -n N && exec java -jar JAR ARGS': check the java part like any other.
                Matcher inner = Pattern.compile("bash -c ulimit -n \\d+ && exec (java .*)").matcher(command);
                return inner.matches() ? check(inner.group(1)) : "unexpected bash command";
            }
            case "docker" -> {
                // The PrairieLearn image: built from the kit's own Dockerfile, then pushed (or run) under the instructor's name.
                if (words.size() > 1 && words.get(1).equals("push")) {
                    return null;
                }
                int file = words.indexOf("-f");
                return words.size() > 1 && words.get(1).equals("build") && file > 0 && file + 1 < words.size()
                        && Files.isRegularFile(ROOT.resolve(words.get(file + 1))) ? null : "expected docker build -f <a Dockerfile of the kit> or docker push";
            }
            case "grader/compare-with-solution.sh", "grader/bench/run.sh" -> {
                Path script = ROOT.resolve(words.get(0));
                return Files.isExecutable(script) ? null : words.get(0) + " is missing or not executable";
            }
            default -> {
                return "a command this test does not know: teach LessonTest to check it";
            }
        }
    }

    /**
     * What the lesson promises of `nc -N`: at the end of its input it shuts down its sending side,
     * and the server then echoes what it had, closes, and so lets nc exit. Done here with a socket.
     */
    private static String checkHalfClose() throws Exception {
        try (ServerProcess server = ServerProcess.start("--max-clients", "1"); Client client = new Client(server.port())) {
            client.send("typed before Ctrl-D\n");
            client.socket().shutdownOutput();
            String got = client.readToEnd();
            return got.equals("typed before Ctrl-D\n") ? null
                    : "after a half-close the server sent " + got + " and closed, not the echo then end of stream";
        }
    }

    private static String checkMaven(List<String> words) throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Set<String> properties = Set.of("grader.target", "grader.command", "groups", "skipTests", "grader.classroom",
                "grader.parallel", "grader.updateGolden", "grader.platform");
        Set<String> groups = Set.of("task:1", "task:2", "task:3", "task:4", "task:5", "stretch", "echo", "architecture", "selftest");
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-pl") && !pom.contains("<module>" + words.get(i + 1) + "</module>")) {
                return "no module " + words.get(i + 1);
            }
            if (w.startsWith("-D")) {
                String key = w.substring(2).split("=", 2)[0];
                if (!properties.contains(key)) {
                    return "unknown property " + key;
                }
                if (key.equals("groups") && !groups.contains(w.split("=", 2)[1])) {
                    return "unknown group " + w;
                }
                if (key.equals("grader.target") && !w.endsWith("=lesson-solution") && !w.contains("/path/")) {
                    return "unexpected target " + w;
                }
            }
        }
        return null;
    }

    private static String checkJar(List<String> words) throws Exception {
        if (!words.get(1).equals("-jar")) {
            return "expected java -jar";
        }
        String jar = words.get(2);
        Matcher m = Pattern.compile("(lesson-\\w+|grader|grader/flood)/target/([\\w-]+)\\.jar").matcher(jar);
        String pom = m.matches() ? Files.readString(ROOT.resolve(m.group(1)).resolve("pom.xml")) : "";
        if (!m.matches() || !(pom.contains("<finalName>" + m.group(2) + "</finalName>")
                || pom.contains("<shade.finalName>" + m.group(2) + "</shade.finalName>"))) {
            return "no module builds " + jar;
        }
        if (m.group(2).equals("flood")) {
            return checkOptions(words.subList(3, words.size()), "grader/flood/src/main/java/dev/echokit/flood/Flood.java");
        }
        if (m.group(2).equals("grader")) {
            return checkOptions(words.subList(3, words.size()), "grader/src/main/java/dev/echokit/grader/cli/GraderCommand.java",
                    "grader/src/main/java/dev/echokit/grader/cli/GradescopeCommand.java",
                    "grader/src/main/java/dev/echokit/grader/cli/PrairieLearnCommand.java",
                    "grader/src/main/java/dev/echokit/grader/cli/CompareCommand.java",
                    "grader/src/main/java/dev/echokit/grader/cli/KitOptions.java");
        }
        // Run the arguments through the finished server: they must start it, or be one of the lesson's bad examples.
        List<String> args = new ArrayList<>(words.subList(3, words.size()));
        if (args.contains("--max-clients") && Set.of("0", "-1", "abc").contains(args.get(args.indexOf("--max-clients") + 1))) {
            ServerProcess.Result result = ServerProcess.run(args.toArray(String[]::new));
            return result.exitCode() == 2 && result.output().contains("--max-clients") ? null : "expected exit 2, got " + result;
        }
        try (ServerProcess ignored = ServerProcess.start(args.toArray(String[]::new))) {
            return null;
        }
    }

    /** The grader and flood are the kit's own programs: every option and command the docs give must be one they declare. */
    private static String checkOptions(List<String> args, String... programFiles) throws IOException {
        String program = programFiles[0];
        StringBuilder sources = new StringBuilder();
        for (String file : programFiles) {
            sources.append(Files.readString(ROOT.resolve(file)));
        }
        String source = sources.toString();
        for (String arg : args) {
            boolean standard = arg.equals("--help") || arg.equals("--version");
            if (arg.startsWith("--") && !standard && !source.contains("names = \"" + arg + "\"")) {
                return program + " has no option " + arg;
            }
            if (!arg.startsWith("-") && arg.matches("[a-z]+") && !source.contains("name = \"" + arg + "\"")) {
                return program + " has no command " + arg;
            }
        }
        return null;
    }

    /** Commands in ```bash blocks: one per line, comments and prompts stripped. */
    static List<String> commands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        while (fence.find()) {
            if (!fence.group(1).equals("bash")) {
                continue;
            }
            for (String line : fence.group(2).split("\\n")) {
                String command = line.replaceFirst("\\s+#.*$", "").strip();
                if (!command.isEmpty() && !command.startsWith("#")) {
                    commands.add(command.replaceAll("'([^']*)'", "$1"));
                }
            }
        }
        return commands;
    }

    /** Inline `quotes` and the lines of ```text blocks. */
    static List<String> quotes(String markdown) {
        List<String> quotes = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        StringBuilder prose = new StringBuilder();
        int last = 0;
        while (fence.find()) {
            prose.append(markdown, last, fence.start());
            last = fence.end();
            if (fence.group(1).equals("text")) {
                fence.group(2).lines().map(String::strip).forEach(quotes::add);
            }
        }
        prose.append(markdown.substring(last));
        Matcher inline = INLINE.matcher(prose);
        while (inline.find()) {
            quotes.add(inline.group(1));
        }
        return quotes;
    }

    /**
     * A real output line as a pattern in which every number may be any number, or a placeholder
     * (N, MAX, PORT), and the address may be written HOST.
     */
    private static Pattern shapeOf(String real) {
        String text = TIMESTAMP.matcher(real).replaceFirst("").replace("127.0.0.1", "\u0000");
        StringBuilder regex = new StringBuilder();
        String[] parts = text.split("\\d+", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("(\\d+|N|MAX|PORT)");
            }
            regex.append(Pattern.quote(parts[i]).replace("\u0000", "\\E(127\\.0\\.0\\.1|HOST)\\Q"));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
