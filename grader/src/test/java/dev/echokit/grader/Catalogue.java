package dev.echokit.grader;

import dev.echokit.grader.lesson.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Broken servers, each made from the reference solution by one small, named source edit, and the
 * grader check that must catch it. Derived from the solution on every run, so the catalogue
 * follows the solution when it changes (an edit that no longer applies fails loudly).
 */
public final class Catalogue {

    public static final String SERVER = "dev/echokit/server/EchoServer.java";
    static final String CONNECTION = "dev/echokit/server/Connection.java";
    static final String COMMAND = "dev/echokit/server/EchoCommand.java";
    static final String ACCEPT_PAUSE = "dev/echokit/server/AcceptPause.java";

    /**
     * One broken server: what is wrong, the edit that makes it, and the grader's exact verdict on it
     * in the default run — the parts with a failed check, and the parts with a check that needs
     * another task — plus the stretch check that must catch it, if it is one that only abuse shows.
     */
    public record Broken(String name, String what, String file, String find, String replace,
                  Set<Part> fails, Set<Part> needs, String stretchCheck, String hint) {

        Broken needs(Part... parts) {
            return new Broken(name, what, file, find, replace, fails, Set.of(parts), stretchCheck, hint);
        }

        Broken stretch(String check) {
            return new Broken(name, what, file, find, replace, fails, needs, check, hint);
        }

        /** Words the hint of one of its failures must hold: the hint for this cause, not a general one. */
        Broken hint(String words) {
            return new Broken(name, what, file, find, replace, fails, needs, stretchCheck, words);
        }
    }

    /** A broken server whose mistake is in {@code fails} (none: only a stretch check sees it). */
    private static Broken broken(String name, String what, String file, String find, String replace, Part... fails) {
        return new Broken(name, what, file, find, replace, Set.of(fails), Set.of(), null, null);
    }

    static final List<Broken> ALL = List.of(
            broken("no-limit", "admits everybody", SERVER,
                    "if (clients >= maxClients) {", "if (false) {", Parts.TASK_2).needs(Parts.TASK_3, Parts.TASK_4, Parts.TASK_5),
            // A limit that is wrong but enforced costs task 2 alone: the later tasks are judged at the
            // limit the server really keeps (it once cost every task from 2 to 5).
            broken("off-by-one", "admits MAX+1 (> instead of >=)", SERVER,
                    "if (clients >= maxClients) {", "if (clients > maxClients) {", Parts.TASK_2).hint("one client too many"),
            broken("hard-coded-100", "compares the count with 100, whatever --max-clients says", SERVER,
                    "if (clients >= maxClients) {", "if (clients >= 100) {", Parts.TASK_2).hint("a limit of its own"),
            broken("stops-accepting", "stops calling accept() when full, so clients wait in the backlog", SERVER,
                    "            SocketChannel channel;\n            try {\n",
                    "            if (clients >= maxClients) {\n                return;\n            }\n            SocketChannel channel;\n            try {\n",
                    Parts.TASK_3).needs(Parts.TASK_4),
            broken("silent-close", "closes the refused connection without the message", SERVER,
                    "            channel.write(ByteBuffer.wrap(AT_CAPACITY)); // 19 bytes always fit a new socket's send buffer\n", "",
                    Parts.TASK_3),
            broken("no-newline", "writes the message without its newline", SERVER,
                    "\"server at capacity\\n\"", "\"server at capacity\"", Parts.TASK_3),
            broken("other-words", "writes different words", SERVER,
                    "\"server at capacity\\n\"", "\"Server full, try later\\n\"", Parts.TASK_3),
            broken("counts-refused", "counts the refused connection, leaking a slot per refusal", SERVER,
                    "    private void refuse(SocketChannel channel) {\n", "    private void refuse(SocketChannel channel) {\n        clients++;\n",
                    Parts.TASK_3).hint("the count rising with each refusal"),
            broken("frees-on-close-only", "frees the slot on a clean close but not on a reset", CONNECTION,
                    "            // A reset or a broken pipe: the client left abruptly. That is normal, not a bug.\n            close();",
                    "            closed = true;\n            try {\n                channel.close();\n            } catch (IOException ignored) {\n                // the slot is never given back\n            }",
                    Parts.TASK_5),
            broken("never-frees", "never gives a slot back", SERVER,
                    "        clients--;\n", "", Parts.TASK_5).needs(Parts.TASK_3).hint("the count never goes down"),
            broken("no-reject-log", "does not log refusals", SERVER,
                    "        Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\");\n", "",
                    Parts.TASK_4),
            broken("wrong-log-numbers", "logs the wrong numbers in the refusal line", SERVER,
                    "\"rejected connection: at capacity (\" + clients + \"/\"", "\"rejected connection: at capacity (\" + (clients - 1) + \"/\"",
                    Parts.TASK_4),
            broken("wrong-default", "defaults to 10 clients instead of 100", COMMAND,
                    "@Option(names = \"--max-clients\", defaultValue = \"100\"", "@Option(names = \"--max-clients\", defaultValue = \"10\"",
                    Parts.TASK_1),
            broken("accepts-zero", "accepts --max-clients 0", COMMAND,
                    "if (value < 1) {", "if (value < 0) {", Parts.TASK_1),
            broken("thread-per-client", "starts a thread per client", SERVER,
                    "        clients++;\n", "        clients++;\n        new Thread(() -> { }).start();\n", Parts.ARCHITECTURE),
            // The rule is about blocking: a channel's socket() adapter used for an option is allowed, its streams are not.
            broken("blocking-server-socket", "reads through the blocking java.net.Socket's stream", SERVER,
                    "            Connection connection = new Connection(", "            channel.socket().getInputStream();\n            Connection connection = new Connection(",
                    Parts.ARCHITECTURE),
            broken("sleeps", "sleeps in the loop", SERVER,
                    "            pause.resumeIfDue();\n",
                    "            pause.resumeIfDue();\n            try {\n                Thread.sleep(1);\n            } catch (InterruptedException e) {\n                return;\n            }\n",
                    Parts.ARCHITECTURE),
            broken("plain-close", "closes right after writing the message (no shutdownOutput, no drain)", SERVER,
                    "            channel.shutdownOutput();\n            drainBriefly(channel);\n", "").stretch("earlySenderReadsTheLine"),
            // Refusals that end with a reset, or that wait for the refused client: each costs task 3 alone, the same every run
            // (they once cost task 2 or 4 too, when a reset landed during the handshake or a drain held the loop).
            broken("resets-refused", "closes the refused connection with a reset (SO_LINGER 0)", SERVER,
                    "            channel.shutdownOutput();\n            drainBriefly(channel);\n",
                    "            channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);\n", Parts.TASK_3).hint("with a reset"),
            broken("resets-after-shutdown", "shuts down output, then closes with a reset (SO_LINGER 0)", SERVER,
                    "            channel.shutdownOutput();\n            drainBriefly(channel);\n",
                    "            channel.shutdownOutput();\n            channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);\n",
                    Parts.TASK_3).hint("with a reset"),
            broken("blocking-drain", "drains the refused client with a blocking read until it hangs up", SERVER,
                    "            channel.configureBlocking(false);\n            channel.write(ByteBuffer.wrap(AT_CAPACITY)); // 19 bytes always fit a new socket's send buffer\n"
                            + "            channel.shutdownOutput();\n            drainBriefly(channel);\n",
                    "            channel.configureBlocking(true);\n            channel.write(ByteBuffer.wrap(AT_CAPACITY));\n"
                            + "            channel.shutdownOutput();\n            while (channel.read(readBuffer.clear()) >= 0) {\n            }\n",
                    Parts.TASK_3).hint("Never wait for a refused client"),
            broken("leaks-refused", "never closes refused connections", SERVER,
                    "        } finally {\n            closeQuietly(channel);\n        }\n    }\n\n    private void drainBriefly",
                    "        } finally {\n            refusedButOpen.add(channel);\n        }\n    }\n\n    private final java.util.List<SocketChannel> refusedButOpen = new java.util.ArrayList<>();\n\n    private void drainBriefly",
                    Parts.TASK_3).stretch("noDescriptorLeak"),
            // Refuses in words, then registers the channel as a client: served, and counted down when it leaves though never
            // counted up. The mistake is refuse()'s (task 3): the grader holds such a client open, so the limit, the log and the
            // freed slot are judged on their own (it once scored 22/50, tasks 2 and 4 waiting on task 5).
            broken("serves-refused", "registers the refused channel with a Connection instead of closing it", SERVER,
                    "            channel.shutdownOutput();\n            drainBriefly(channel);\n        } catch (IOException e) {\n"
                            + "            // The client is already gone; there is nobody left to tell.\n        } finally {\n            closeQuietly(channel);\n        }\n",
                    "            channel.register(selector, SelectionKey.OP_READ, new Connection(channel, peerOf(channel), this::connectionClosed));\n"
                            + "        } catch (IOException e) {\n            closeQuietly(channel);\n        }\n",
                    Parts.TASK_3).hint("kept and served after the line"),
            // Writes the refusal, then falls through to admit the same client (no return, no else): served and counted
            // past the limit. Task 3's alone, with one hint for the one cause.
            broken("refuses-then-admits", "writes the refusal, then admits the same client as well", SERVER,
                    "            if (clients >= maxClients) {\n                refuse(channel);\n            } else {\n                admit(channel);\n            }\n",
                    "            if (clients >= maxClients) {\n                Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\");\n"
                            + "                try {\n                    channel.write(ByteBuffer.wrap(AT_CAPACITY));\n                } catch (IOException e) {\n"
                            + "                    // the client is gone\n                }\n            }\n            admit(channel);\n",
                    Parts.TASK_3).hint("admitted as well"),
            // Crashes at every refusal, before refusing: the crash is the refusal's (task 3), and task 4, with no refusal
            // ever logged, waits on it (it once failed beside task 3 for the same crash).
            broken("throws-on-refusal", "throws a NullPointerException on the refusal path", SERVER,
                    "            if (clients >= maxClients) {\n                refuse(channel);\n",
                    "            if (clients >= maxClients) {\n                String reason = null;\n                Log.info(\"refusing: \" + reason.length());\n"
                            + "                refuse(channel);\n",
                    Parts.TASK_3).needs(Parts.TASK_4).hint("crashed with java.lang.NullPointerException"),
            // The contract's lines about running out of descriptors: one at the start of an episode, one at its end.
            broken("logs-every-retry", "logs \"cannot accept\" at every retry and never \"accepting again\"", ACCEPT_PAUSE,
                    "        if (!outOfDescriptors) {\n            outOfDescriptors = true; // log once per episode, not once per retry\n",
                    "        {\n").stretch("survivesDescriptorExhaustion"),
            broken("spins-when-out-of-fds", "retries accept() at once when out of descriptors", ACCEPT_PAUSE,
                    "        acceptKey.interestOps(0);\n        paused = true;\n", "").stretch("survivesDescriptorExhaustion"),
            // Echoes at once only while nothing is held back, so the bytes stay in order: its one
            // mistake is the unbounded buffer. (It once wrote new bytes ahead of held-back ones, and
            // the echo check rightly failed it whenever a write came up short.)
            broken("unbounded-buffer", "keeps reading from a client that never reads", CONNECTION,
                    "        channel.write(scratch);\n        if (scratch.hasRemaining()) {\n"
                            + "            // The client is not reading as fast as it writes. Keep the rest (at most one\n"
                            + "            // read's worth) and stop reading from it until the rest is written: that is\n"
                            + "            // what bounds the memory one client can make the server hold.\n"
                            + "            pending = ByteBuffer.allocate(scratch.remaining()).put(scratch).flip();\n            key.interestOps(SelectionKey.OP_WRITE);",
                    "        if (pending == null) {\n            channel.write(scratch);\n        }\n        if (scratch.hasRemaining()) {\n"
                            + "            ByteBuffer grown = ByteBuffer.allocate(scratch.remaining() + (pending == null ? 0 : pending.remaining()));\n"
                            + "            if (pending != null) {\n                grown.put(pending);\n            }\n"
                            + "            pending = grown.put(scratch).flip();\n            key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);").stretch("slowReaderIsBounded"),
            broken("never-listens", "blocks before it ever listens", SERVER,
                    "                listener.bind(address, BACKLOG);", "                selector.select();\n                listener.bind(address, BACKLOG);",
                    Parts.ECHO).needs(Parts.TASK_1, Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5),
            broken("exits-at-once", "exits as soon as it starts", COMMAND,
                    "System.exit(commandLine().execute(args));", "System.exit(3);", Parts.ECHO).needs(Parts.TASK_1, Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5),
            broken("hangs-after-accept", "hangs in the loop once a client is admitted", SERVER,
                    "        clients++;\n", "        clients++;\n        while (channel.isOpen()) {\n            Thread.onSpinWait();\n        }\n",
                    Parts.ECHO).needs(Parts.TASK_1, Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5, Parts.ARCHITECTURE),
            broken("floods-output", "logs on every turn of the loop", SERVER,
                    "            selector.select(pause.selectTimeoutMillis());",
                    "            selector.select(1);\n            Log.info(\"loop turn\");", Parts.ECHO),
            broken("does-not-compile", "does not compile", SERVER,
                    "    private int clients;\n", "    private int clients = \"none\";\n", Parts.ECHO),
            broken("accepted-count-before-increment", "logs the accepted line before counting the client", SERVER,
                    "        clients++;\n        Log.info(\"accepted connection from \" + peer + \" (\" + clients + \"/\" + maxClients + \")\");\n",
                    "        Log.info(\"accepted connection from \" + peer + \" (\" + clients + \"/\" + maxClients + \")\");\n        clients++;\n",
                    Parts.TASK_2).hint("count it first, then log"),
            broken("closed-count-before-decrement", "logs the closed line before counting the client out", SERVER,
                    "        clients--;\n        Log.info(\"closed connection from \" + connection.peer() + \" (\" + clients + \"/\" + maxClients + \")\");\n",
                    "        Log.info(\"closed connection from \" + connection.peer() + \" (\" + clients + \"/\" + maxClients + \")\");\n        clients--;\n",
                    Parts.TASK_5).hint("the line is written before the count goes down"),
            broken("counts-down-refused", "counts a refused connection down when it is closed, freeing a slot it never had", SERVER,
                    "        } finally {\n            closeQuietly(channel);\n        }\n    }\n\n    private void drainBriefly",
                    "        } finally {\n            closeQuietly(channel);\n            clients--;\n        }\n    }\n\n    private void drainBriefly",
                    Parts.TASK_5).hint("a refusal, then a new client admitted with no client leaving"),
            broken("frees-twice-on-reset", "gives the slot back twice when a client resets", CONNECTION,
                    "            // A reset or a broken pipe: the client left abruptly. That is normal, not a bug.\n            close();",
                    "            // A reset or a broken pipe: the client left abruptly. That is normal, not a bug.\n            onClose.accept(this);\n            close();",
                    Parts.TASK_5).hint("closed twice"),
            broken("failed-write-keeps-slot", "keeps the slot of a client whose write failed", CONNECTION,
                    "    private void writePending(SelectionKey key) throws IOException {\n        channel.write(pending);\n",
                    "    private void writePending(SelectionKey key) throws IOException {\n        try {\n            channel.write(pending);\n"
                            + "        } catch (IOException e) {\n            closed = true;\n            channel.close();\n            return;\n        }\n",
                    Parts.TASK_5),
            broken("accepts-past-int", "takes --max-clients as a long, so 2147483648 gets through", COMMAND,
                    "    void setMaxClients(int value) {\n        if (value < 1) {\n            throw new ParameterException(spec.commandLine(),\n"
                            + "                    \"Invalid value '\" + value + \"' for option '--max-clients': must be at least 1.\");\n        }\n"
                            + "        maxClients = value;",
                    "    void setMaxClients(long value) {\n        if (value < 1) {\n            throw new ParameterException(spec.commandLine(),\n"
                            + "                    \"Invalid value '\" + value + \"' for option '--max-clients': must be at least 1.\");\n        }\n"
                            + "        maxClients = (int) value;", Parts.TASK_1),
            broken("polls", "polls with selectNow() instead of waiting in select()", SERVER,
                    "            selector.select(pause.selectTimeoutMillis());", "            selector.selectNow();",
                    Parts.ARCHITECTURE),
            broken("pool-per-client", "hands each client to a thread pool", SERVER,
                    "        clients++;\n", "        clients++;\n        java.util.concurrent.Executors.newSingleThreadExecutor().shutdown();\n",
                    Parts.ARCHITECTURE),
            broken("timer", "schedules work on a java.util.Timer", SERVER,
                    "        clients++;\n", "        clients++;\n        new java.util.Timer(true).cancel();\n", Parts.ARCHITECTURE),
            // NIO.2 runs completion handlers on a pool the JDK starts: no Thread named in the code (a helper's server once passed).
            broken("async-channel", "opens a NIO.2 asynchronous channel, whose handlers run on the JDK's threads", SERVER,
                    "        clients--;\n", "        clients--;\n        try {\n            java.nio.channels.AsynchronousServerSocketChannel.open().close();\n"
                            + "        } catch (java.io.IOException e) {\n            // the rule is about the design, not this channel\n        }\n",
                    Parts.ARCHITECTURE),
            broken("async-log", "logs through CompletableFuture.runAsync", SERVER,
                    "        clients--;\n", "        clients--;\n        java.util.concurrent.CompletableFuture.runAsync(() -> { });\n",
                    Parts.ARCHITECTURE),
            // Refuses on a thread of its own (which writes its log line): right in every task, wrong in
            // architecture, and judged the same every run because a line from another thread is not held.
            broken("refuses-on-a-thread", "refuses each client on a new Thread", SERVER,
                    "    private void refuse(SocketChannel channel) {\n        Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\");\n\n"
                            + "        try {\n            channel.configureBlocking(false);\n"
                            + "            channel.write(ByteBuffer.wrap(AT_CAPACITY)); // 19 bytes always fit a new socket's send buffer\n"
                            + "            channel.shutdownOutput();\n            drainBriefly(channel);\n",
                    "    private void refuse(SocketChannel channel) {\n        int connected = clients;\n"
                            + "        new Thread(() -> refuseNow(channel, connected)).start();\n    }\n\n"
                            + "    private void refuseNow(SocketChannel channel, int clients) {\n"
                            + "        Log.info(\"rejected connection: at capacity (\" + clients + \"/\" + maxClients + \")\");\n"
                            + "        try {\n            channel.configureBlocking(false);\n"
                            + "            channel.write(ByteBuffer.wrap(AT_CAPACITY));\n"
                            + "            channel.shutdownOutput();\n            channel.read(ByteBuffer.allocate(1024));\n",
                    Parts.ARCHITECTURE),
            // Binds the default port whatever --port says: the grader's first start names that, and
            // every other check waits for it instead of colliding on port 9000.
            broken("ignores-port", "listens on port 9000 whatever --port says", COMMAND,
                    "        EchoServer server = new EchoServer(bind, port, maxClients);",
                    "        EchoServer server = new EchoServer(bind, 9000, maxClients);",
                    Parts.ECHO).needs(Parts.TASK_1, Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5),
            broken("silent-listening-line", "does not say the limit in the listening line", SERVER,
                    "\n                    + \" (max clients: \" + maxClients + \")\");", ");", Parts.TASK_1));

    private Catalogue() {
    }

    /** Writes the broken server into {@code dir}/src/main/java: a copy of the solution with one edit. */
    /** The catalogue's entry of that name. */
    public static Broken named(String name) {
        return ALL.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException("no entry " + name));
    }

    public static Path materialise(Broken broken, Path solutionSources, Path dir) throws IOException {
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

    public static void copyTree(Path from, Path to) throws IOException {
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

    public static void deleteRecursively(Path dir) throws IOException {
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
