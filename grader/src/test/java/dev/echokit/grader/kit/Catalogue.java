package dev.echokit.grader.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Broken servers, each made from the reference solution by one small, named source edit, and the
 * grader check that must catch it. Derived from the solution on every run, so the catalogue
 * follows the solution when it changes (an edit that no longer applies fails loudly).
 */
final class Catalogue {

    static final String SERVER = "dev/echokit/server/EchoServer.java";
    static final String CONNECTION = "dev/echokit/server/Connection.java";
    static final String COMMAND = "dev/echokit/server/EchoCommand.java";

    /** One broken server: what is wrong, the edit that makes it, and the checks that must fail. */
    record Broken(String name, String what, String file, String find, String replace, List<String> caughtBy) {
        boolean needsStretch() {
            return caughtBy.stream().anyMatch(c -> c.startsWith("StretchChecks"));
        }

        /** What to run: the classes or single checks named in caughtBy. */
        List<String> selection() {
            return caughtBy.stream().distinct().toList();
        }
    }

    private static Broken broken(String name, String what, String file, String find, String replace, String... caughtBy) {
        return new Broken(name, what, file, find, replace, List.of(caughtBy));
    }

    static final List<Broken> ALL = List.of(
            broken("no-limit", "admits everybody", SERVER,
                    "if (clients >= maxClients) {", "if (false) {", "Task2Checks"),
            broken("off-by-one", "admits MAX+1 (> instead of >=)", SERVER,
                    "if (clients >= maxClients) {", "if (clients > maxClients) {", "Task2Checks"),
            broken("stops-accepting", "stops calling accept() when full, so clients wait in the backlog", SERVER,
                    "            SocketChannel channel;\n            try {\n",
                    "            if (clients >= maxClients) {\n                return;\n            }\n            SocketChannel channel;\n            try {\n",
                    "Task3Checks"),
            broken("silent-close", "closes the refused connection without the message", SERVER,
                    "            channel.write(ByteBuffer.wrap(AT_CAPACITY)); // 19 bytes always fit a new socket's send buffer\n", "",
                    "Task3Checks"),
            broken("no-newline", "writes the message without its newline", SERVER,
                    "\"server at capacity\\n\"", "\"server at capacity\"", "Task3Checks"),
            broken("other-words", "writes different words", SERVER,
                    "\"server at capacity\\n\"", "\"Server full, try later\\n\"", "Task3Checks"),
            broken("counts-refused", "counts the refused connection, leaking a slot per refusal", SERVER,
                    "    private void refuse(SocketChannel channel) {\n", "    private void refuse(SocketChannel channel) {\n        clients++;\n",
                    "Task5Checks"),
            broken("frees-on-close-only", "frees the slot on a clean close but not on a reset", CONNECTION,
                    "            // A reset or a broken pipe: the client left abruptly. That is normal, not a bug.\n            close();",
                    "            closed = true;\n            try {\n                channel.close();\n            } catch (IOException ignored) {\n                // the slot is never given back\n            }",
                    "Task5Checks"),
            broken("never-frees", "never gives a slot back", SERVER,
                    "        clients--;\n", "", "Task5Checks"),
            broken("no-reject-log", "does not log refusals", SERVER,
                    "        Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\");\n", "",
                    "Task4Checks"),
            broken("wrong-log-numbers", "logs the wrong numbers in the refusal line", SERVER,
                    "\"rejected connection: at capacity (\" + clients + \"/\"", "\"rejected connection: at capacity (\" + (clients - 1) + \"/\"",
                    "Task4Checks"),
            broken("wrong-default", "defaults to 10 clients instead of 100", COMMAND,
                    "@Option(names = \"--max-clients\", defaultValue = \"100\"", "@Option(names = \"--max-clients\", defaultValue = \"10\"",
                    "Task1Checks"),
            broken("accepts-zero", "accepts --max-clients 0", COMMAND,
                    "if (value < 1) {", "if (value < 0) {", "Task1Checks"),
            broken("thread-per-client", "starts a thread per client", SERVER,
                    "        clients++;\n", "        clients++;\n        new Thread(() -> { }).start();\n", "ArchitectureChecks"),
            broken("blocking-server-socket", "touches the blocking java.net.ServerSocket", SERVER,
                    "                listener.bind(address, BACKLOG);", "                listener.socket().bind(address, BACKLOG);", "ArchitectureChecks"),
            broken("sleeps", "sleeps in the loop", SERVER,
                    "            resumeAcceptingIfDue(acceptKey);\n",
                    "            resumeAcceptingIfDue(acceptKey);\n            try {\n                Thread.sleep(1);\n            } catch (InterruptedException e) {\n                return;\n            }\n",
                    "ArchitectureChecks"),
            broken("plain-close", "closes right after writing the message (no shutdownOutput, no drain)", SERVER,
                    "            channel.shutdownOutput();\n            drainBriefly(channel);\n", "",
                    "StretchChecks#earlySenderReadsTheLine"),
            broken("leaks-refused", "never closes refused connections", SERVER,
                    "        } finally {\n            closeQuietly(channel);\n        }\n    }\n\n    private void drainBriefly",
                    "        } finally {\n            refusedButOpen.add(channel);\n        }\n    }\n\n    private final java.util.List<SocketChannel> refusedButOpen = new java.util.ArrayList<>();\n\n    private void drainBriefly",
                    "StretchChecks#noDescriptorLeak"),
            broken("spins-when-out-of-fds", "retries accept() at once when out of descriptors", SERVER,
                    "        acceptKey.interestOps(0);\n        acceptPaused = true;\n", "",
                    "StretchChecks#survivesDescriptorExhaustion"),
            broken("unbounded-buffer", "keeps reading from a client that never reads", CONNECTION,
                    "            pending = ByteBuffer.allocate(scratch.remaining()).put(scratch).flip();\n            key.interestOps(SelectionKey.OP_WRITE);",
                    "            ByteBuffer grown = ByteBuffer.allocate(scratch.remaining() + (pending == null ? 0 : pending.remaining()));\n"
                            + "            if (pending != null) {\n                grown.put(pending);\n            }\n"
                            + "            pending = grown.put(scratch).flip();\n            key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);",
                    "StretchChecks#slowReaderIsBounded"),
            broken("never-listens", "blocks before it ever listens", SERVER,
                    "                listener.bind(address, BACKLOG);", "                selector.select();\n                listener.bind(address, BACKLOG);",
                    "EchoChecks"),
            broken("exits-at-once", "exits as soon as it starts", COMMAND,
                    "System.exit(commandLine().execute(args));", "System.exit(3);", "EchoChecks"),
            broken("hangs-after-accept", "hangs in the loop once a client is admitted", SERVER,
                    "        clients++;\n", "        clients++;\n        while (channel.isOpen()) {\n            Thread.onSpinWait();\n        }\n",
                    "EchoChecks"),
            broken("floods-output", "logs on every turn of the loop", SERVER,
                    "            selector.select(acceptPaused ? ACCEPT_PAUSE_MILLIS : 0);",
                    "            selector.select(1);\n            Log.info(\"loop turn\");", "EchoChecks"),
            broken("does-not-compile", "does not compile", SERVER,
                    "    private int clients;\n", "    private int clients = \"none\";\n", "EchoChecks"),
            broken("silent-listening-line", "does not say the limit in the listening line", SERVER,
                    "\n                    + \" (max clients: \" + maxClients + \")\");", ");", "Task1Checks"));

    private Catalogue() {
    }

    /** Writes the broken server into {@code dir}/src/main/java: a copy of the solution with one edit. */
    static Path materialise(Broken broken, Path solutionSources, Path dir) throws IOException {
        Path sources = dir.resolve("src/main/java");
        deleteRecursively(dir);
        copyTree(solutionSources, sources);
        Path file = sources.resolve(broken.file());
        String text = Files.readString(file);
        int at = text.indexOf(broken.find());
        if (at < 0 || text.indexOf(broken.find(), at + 1) >= 0) {
            throw new IllegalStateException("catalogue entry '" + broken.name() + "' no longer applies to the solution: "
                    + "its search text is " + (at < 0 ? "gone" : "there more than once") + " in " + broken.file()
                    + ". Update the entry in Catalogue.java so it still breaks the server the way it says.");
        }
        Files.writeString(file, text.substring(0, at) + broken.replace() + text.substring(at + broken.find().length()));
        return dir;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }
}
