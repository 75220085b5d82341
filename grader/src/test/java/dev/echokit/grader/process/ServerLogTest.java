package dev.echokit.grader.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.feedback.FailureText;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("selftest")
@DisplayName("The server's log")
@ExtendWith(SelfTestCondition.class)
class ServerLogTest {

    private static final String LISTENING = "listening on 127.0.0.1:40123 (max clients: 3)";

    @Test
    @DisplayName("keeps the first listening line even when it comes after a flood past the cap, and only that one")
    void listeningLinePastTheCapIsKept() throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ServerLog.MAX_LINES + 500; i++) {
            out.append("noise ").append(i).append('\n');
        }
        out.append(LISTENING).append('\n').append("listening on 127.0.0.1:1 (max clients: 9)\n").append("more noise\n");
        ServerLog log = new ServerLog();
        log.readFrom(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));

        assertThat(log.find(line -> line.contains("listening on"))).hasValueSatisfying(line -> assertThat(line.text()).isEqualTo(LISTENING));
        assertThat(log.matching(line -> line.contains("listening on"))).hasSize(1);
        assertThat(log.await(line -> line.contains("listening on"), 1, Duration.ZERO)).isTrue();
        assertThat(log.size()).isEqualTo(ServerLog.MAX_LINES);
        assertThat(log.dropped()).isEqualTo(503);
    }

    @Test
    @DisplayName("a listening line within the cap is not kept twice")
    void listeningLineWithinTheCap() {
        StringBuilder out = new StringBuilder(LISTENING + "\n");
        for (int i = 0; i < ServerLog.MAX_LINES + 10; i++) {
            out.append("listening on 127.0.0.1:1 (noise)\n");
        }
        ServerLog log = new ServerLog();
        log.readFrom(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(log.find(line -> line.contains("listening on"))).hasValueSatisfying(line -> assertThat(line.text()).isEqualTo(LISTENING));
        assertThat(log.lines()).hasSize(ServerLog.MAX_LINES);
    }

    @Test
    @DisplayName("keeps each line's time apart from its text: stamped only where shown, bare in the proof")
    void timeIsKeptApartFromText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ServerLog log = new ServerLog();
        log.readFrom(new ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(log.lines()).extracting(LogLine::text).containsExactly("one", "two");
        assertThat(FailureText.lines(log.tail(5))).allSatisfy(line -> assertThat(line).matches("\\| \\[\\+\\d+ ms\\] (one|two)"));
        log.save(dir.resolve("proof.log"));
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("proof.log"))).containsExactly("one", "two");
    }

    @Test
    @DisplayName("a failure's tail folds lines alike into one and keeps the last accepted and closed lines that carry the counts")
    void tailKeepsTheEvidence() {
        StringBuilder out = new StringBuilder("10:00:00.000 listening on 127.0.0.1:4000 (max clients: 1)\n")
                .append("10:00:00.010 accepted connection from 127.0.0.1:50000 (1/1)\n")
                .append("10:00:00.020 closed connection from 127.0.0.1:50000 (1/1)\n");
        for (int i = 0; i < 30; i++) {
            out.append("10:00:01.").append(String.format("%03d", i)).append(" rejected connection: at capacity (1/1)\n");
        }
        ServerLog log = new ServerLog();
        log.readFrom(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));

        LogTail tail = log.tail(1, java.util.List.of("accepted connection", "closed connection", "rejected connection"));
        assertThat(tail.lines()).extracting(LogLine::text).containsExactly("10:00:00.010 accepted connection from 127.0.0.1:50000 (1/1)",
                "10:00:00.020 closed connection from 127.0.0.1:50000 (1/1)", "10:00:01.029 rejected connection: at capacity (1/1)");
        assertThat(FailureText.lines(tail)).hasSize(4).first().asString().contains("1 line not shown");
        assertThat(FailureText.lines(tail).get(3)).endsWith("(the last of 30 like it)");
        // Counts are evidence, so lines that differ in them are never folded.
        ServerLog counting = new ServerLog();
        counting.readFrom(new ByteArrayInputStream("accepted connection from 127.0.0.1:1 (1/3)\naccepted connection from 127.0.0.1:2 (2/3)\n"
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(counting.tail(6).shown()).hasSize(2).allMatch(shown -> shown.alike() == 0);
    }

    @Test
    @DisplayName("of a stack trace, the tail keeps the exception's line and the server's own frame, not picocli's or the JDK's")
    void tailKeepsTheExceptionAndTheOwnFrame() {
        String out = """
                10:00:00.010 accepted connection from 127.0.0.1:50000 (1/1)
                Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()"
                	at dev.echokit.server.EchoServer.acceptAll(EchoServer.java:131)
                	at dev.echokit.server.EchoServer.serve(EchoServer.java:90)
                	at picocli.CommandLine.executeUserObject(CommandLine.java:2045)
                	at picocli.CommandLine$RunLast.handle(CommandLine.java:2423)
                	at picocli.CommandLine$RunLast.handle(CommandLine.java:2423)
                	at picocli.CommandLine.execute(CommandLine.java:2174)
                	at dev.echokit.server.EchoCommand.main(EchoCommand.java:76)
                """;
        ServerLog log = new ServerLog();
        log.readFrom(new ByteArrayInputStream(out.getBytes(StandardCharsets.UTF_8)));
        LogTail tail = log.tail(6, java.util.List.of("accepted connection"));
        assertThat(tail.lines()).extracting(LogLine::text).containsExactly("10:00:00.010 accepted connection from 127.0.0.1:50000 (1/1)",
                "Exception in thread \"main\" java.lang.NullPointerException: Cannot invoke \"String.length()\"",
                "\tat dev.echokit.server.EchoServer.acceptAll(EchoServer.java:131)");
        assertThat(FailureText.lines(tail)).hasSize(4).last().asString().isEqualTo("| ... (6 more lines of the trace not shown)");
    }
}
