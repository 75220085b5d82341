package dev.echokit.grader.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.echokit.grader.SelfTestCondition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's server starts in a scratch folder of its own, so the README's {@code --command
 * "python3 my_server.py"}, given from the learner's folder, must reach the server as a whole path
 * (a helper's trial once found every relative path failing with "can't open file").
 */
@Tag("selftest")
@DisplayName("A command's relative paths")
@ExtendWith(SelfTestCondition.class)
class CommandPathsTest {

    @TempDir
    Path here;

    @TempDir
    Path kit;

    @Test
    @DisplayName("name files and folders from where the grader runs, else from the kit; the program's bare name and other words stay")
    void relativePathsAreMadeWhole() throws IOException {
        Files.writeString(here.resolve("my_server.py"), "print()\n");
        Files.createDirectories(here.resolve("classes"));
        Files.createDirectories(here.resolve("java")); // a folder named like the program: the shell would not run it
        Files.writeString(kit.resolve("run.sh"), "exec true\n");
        List<Path> bases = List.of(here, kit);

        assertThat(Target.withFullPaths("python3 my_server.py", bases)).isEqualTo("python3 " + here.resolve("my_server.py"));
        assertThat(Target.withFullPaths("./run.sh", bases)).isEqualTo(kit.resolve("run.sh").toString());
        assertThat(Target.withFullPaths("java -cp classes:lib/none.jar dev.echokit.server.EchoCommand", bases))
                .isEqualTo("java -cp " + here.resolve("classes") + ":lib/none.jar dev.echokit.server.EchoCommand");
        assertThat(Target.withFullPaths("java -cp . Main", bases)).isEqualTo("java -cp " + here + " Main");
        assertThat(Target.withFullPaths("python3 '/abs/x.py' --flag=my_server.py missing.py", bases))
                .isEqualTo("python3 '/abs/x.py' --flag=" + here.resolve("my_server.py") + " missing.py");
    }

    @Test
    @DisplayName("a command through Java's source launcher is told that it compiles at every start")
    void sourceLauncherIsNoted() throws IOException {
        try (ServerFiles files = ServerFiles.create()) {
            Platform portable = Platform.portable();
            assertThat(Target.resolve("java " + here.resolve("Server.java") + " --verbose", null, kit, here, portable, files).notes())
                    .singleElement().asString().contains("Server.java through Java's source launcher");
            assertThat(Target.resolve("java -cp classes dev.echokit.server.EchoCommand", null, kit, here, portable, files).notes()).isEmpty();
        }
    }
    @Test
    @DisplayName("where to look, for a command: the source it names, or the sources beside the program it starts")
    void commandSourcesAreNamed() throws IOException {
        Path script = Files.writeString(here.resolve("server.py"), "print()\n");
        Path program = Files.writeString(kit.resolve("echo-server"), "#!/bin/sh\n");
        program.toFile().setExecutable(true);
        Files.writeString(kit.resolve("server.c"), "int main(void) { return 0; }\n");
        Files.writeString(kit.resolve("notes.txt"), "not a source\n");

        assertThat(Target.sourcesNamedIn("python3 " + script + " --verbose")).containsExactly(script);
        assertThat(Target.sourcesNamedIn(program.toString())).containsExactly(kit.resolve("server.c"));
        assertThat(Target.sourcesNamedIn("python3 -c 'print()'")).isEmpty();
        try (ServerFiles files = ServerFiles.create()) {
            Target target = Target.resolve("python3 " + script, null, kit, here, Platform.portable(), files);
            assertThat(target.whereToLook(dev.echokit.grader.Parts.TASK_2)).singleElement().asString()
                    .startsWith(script + " (the command's source");
        }
    }
}
