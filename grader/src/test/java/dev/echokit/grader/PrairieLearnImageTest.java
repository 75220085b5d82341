package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.report.JsonReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The PrairieLearn files an instructor installs, checked as text since Docker cannot run here: the
 * image gets its packages from the Gradescope bundle's setup.sh and no list of its own, copies what
 * the entry point needs, and the question names that entry point with PrairieLearn's own keys.
 */
@Tag("selftest")
@DisplayName("The PrairieLearn image and question")
@ExtendWith(SelfTestCondition.class)
class PrairieLearnImageTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path HERE = KIT.resolve("grader/src/prairielearn");
    private static final Path SETUP = KIT.resolve("grader/src/gradescope/setup.sh");
    /** The keys of externalGradingOptions in PrairieLearn's info.json schema (apps/prairielearn/src/schemas/infoQuestion.ts). */
    private static final Set<String> GRADING_KEYS = Set.of("comment", "enabled", "image", "entrypoint", "serverFilesCourse", "timeout",
            "enableNetworking", "environment");

    @Test
    @DisplayName("the image installs what setup.sh installs, by running it, and names no package of its own")
    void imageSharesSetupsPackages() throws IOException {
        String dockerfile = Files.readString(HERE.resolve("Dockerfile"));
        List<String> packages = installed(Files.readString(SETUP));
        assertThat(packages).as("setup.sh's packages").contains("openjdk-17-jdk-headless", "bubblewrap", "util-linux");
        assertThat(installed(dockerfile)).as("packages the Dockerfile installs by itself (keep the one list in setup.sh)").isEmpty();
        List<String> copied = copied(dockerfile);
        assertThat(copied).contains("grader/src/gradescope/setup.sh", "grader/target/grader.jar", ".mvn/jvm.config", "grader/src/prairielearn/run");
        assertThat(dockerfile).contains("RUN chmod 0755 /opt/echokit/setup.sh /opt/echokit/run").contains("&& /opt/echokit/setup.sh");
        assertThat(dockerfile.lines().filter(l -> l.startsWith("USER"))).as("the grader runs as root, and its servers as users of their own").isEmpty();
        // Each file it copies is in the kit (the jar once it is built) and not left out of the build context.
        List<String> ignore = Files.readAllLines(HERE.resolve("Dockerfile.dockerignore"));
        for (String source : copied) {
            if (!source.startsWith("grader/target/")) {
                assertThat(KIT.resolve(source)).isRegularFile();
            }
            assertThat(ignore).as("Dockerfile.dockerignore lets " + source + " in").contains("!" + source);
        }
        assertThat(Files.isExecutable(HERE.resolve("run"))).as("the entry point is executable").isTrue();
    }

    @Test
    @DisplayName("info.json grades externally with PrairieLearn's keys: the image's entry point, a timeout within 600 s, no network")
    void questionNamesTheEntryPoint() throws IOException {
        JsonNode info = JsonReport.mapper().readTree(HERE.resolve("question/info.json").toFile());
        assertThat(info.get("type").asString()).isEqualTo("v3");
        assertThat(info.get("gradingMethod").asString()).isEqualTo("External");
        assertThat(info.get("uuid").asString()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(info.get("title").asString()).isEqualTo(Parts.LESSON.title());
        JsonNode options = info.get("externalGradingOptions");
        assertThat(options.propertyNames()).allSatisfy(key -> assertThat(GRADING_KEYS).contains(key));
        assertThat(options.get("enabled").asBoolean()).isTrue();
        assertThat(options.get("image").asString()).isNotBlank();
        assertThat(options.get("entrypoint").asString()).isEqualTo("/opt/echokit/run");
        assertThat(options.get("timeout").asInt()).isBetween(60, 600);
        assertThat(options.get("enableNetworking").asBoolean()).isFalse();
        String question = Files.readString(HERE.resolve("question/question.html"));
        Matcher upload = Pattern.compile("<pl-file-upload optional-file-patterns=\"([^\"]+)\"></pl-file-upload>").matcher(question);
        assertThat(upload.find()).as("a pl-file-upload for the server's files").isTrue();
        assertThat(Arrays.stream(upload.group(1).split(",")).map(String::strip)).contains("*.java", "*.zip");
        assertThat(question).contains("<pl-external-grader-results></pl-external-grader-results>");
    }

    /** The packages of every apt-get install line, options left out. */
    private static List<String> installed(String script) {
        List<String> packages = new ArrayList<>();
        Matcher install = Pattern.compile("apt-get install ([^\\n&|;]+)").matcher(script);
        while (install.find()) {
            Arrays.stream(install.group(1).trim().split("\\s+")).filter(w -> !w.startsWith("-")).forEach(packages::add);
        }
        return packages;
    }

    /** The sources of every COPY line (all but its last word, the destination). */
    private static List<String> copied(String dockerfile) {
        List<String> sources = new ArrayList<>();
        dockerfile.lines().filter(l -> l.startsWith("COPY ")).forEach(line -> {
            List<String> words = Arrays.asList(line.substring(5).trim().split("\\s+"));
            sources.addAll(words.subList(0, words.size() - 1));
        });
        return sources;
    }
}
