package dev.echokit.grader.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@Tag("selftest")
@DisplayName("Where to look")
@ExtendWith(SelfTestCondition.class)
class SourceMapTest {

    private static final Part TASK_3 = ConnectionLimits.LESSON.part("task:3").orElseThrow();

    private static final Part TASK_1 = ConnectionLimits.LESSON.part("task:1").orElseThrow();
    private static final Part TASK_2 = ConnectionLimits.LESSON.part("task:2").orElseThrow();
    private static final Part TASK_5 = ConnectionLimits.LESSON.part("task:5").orElseThrow();

    private static final String ADMIT = """
            class Server {
                private void admit(SocketChannel channel) {
                    if (connected >= max) {
                        refuse(channel);
                        return;
                    }
                    connected++;
                }

                private void refuse(SocketChannel channel) {
            %s        channel.close();
                }
            }
            """;

    @Test
    @DisplayName("task 3 is not sent to task 2's one count-up, but is shown a second one, wherever it is")
    void aCountUpIsTaskThreesOnlyWhereItIsRepeated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Server.java");
        Files.writeString(file, ADMIT.formatted(""));
        assertThat(SourceMap.read(dir, dir).whereToLook(TASK_3)).noneMatch(place -> place.contains("connected++"));

        Files.writeString(file, ADMIT.formatted("        connected++;\n"));
        assertThat(SourceMap.read(dir, dir).whereToLook(TASK_3))
                .startsWith("Server.java:11  connected++;") // the one in refuse() first: the most telling
                .contains("Server.java:7  connected++;");
    }

    @Test
    @DisplayName("a count taken from the selector's keys, in a helper, is shown to the tasks that count")
    void aCountOfTheKeysIsShown(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Server.java"), """
                class Server {
                    private int clients() {
                        return selector.keys().size() - 1;
                    }

                    private void onAccept(SocketChannel channel) {
                        if (full()) {
                            channel.close();
                        }
                    }
                }
                """);
        assertThat(SourceMap.read(dir, dir).whereToLook(TASK_5)).contains("Server.java:3  return selector.keys().size() - 1;");
        assertThat(SourceMap.read(dir, dir).whereToLook(TASK_2)).contains("Server.java:3  return selector.keys().size() - 1;");
    }

    @Test
    @DisplayName("task 1 is shown the learner's own check of the value, beside the option")
    void theValueCheckIsShown(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Command.java"), """
                class Command {
                    @Option(names = "--max-clients", defaultValue = "100")
                    int maxClients;

                    public Integer call() {
                        if (maxClients <= 0) {
                            throw new ParameterException(spec.commandLine(), "bad --max-clients");
                        }
                        return 0;
                    }
                }
                """);
        assertThat(SourceMap.read(dir, dir).whereToLook(TASK_1))
                .containsSubsequence("Command.java:2  @Option(names = \"--max-clients\", defaultValue = \"100\")", "Command.java:6  if (maxClients <= 0) {");
    }
}
