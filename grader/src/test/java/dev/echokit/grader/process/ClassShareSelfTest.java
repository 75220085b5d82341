package dev.echokit.grader.process;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.Catalogue;
import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.intake.Tree;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The graded servers' class-data archive (see {@link ClassShare}): built once into its cache,
 * reused, passed to every Java server and mapped there, inside the sandbox too; and when it is
 * refused or cannot be built, servers start without it and the verdict is the same.
 * Each case has a cache folder of its own, never the machine's.
 */
@Tag("selftest")
@DisplayName("The servers' class-data archive")
@ExtendWith(SelfTestCondition.class)
class ClassShareSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;

    @AfterEach
    void forget() {
        System.clearProperty("echokit.cache");
        ClassShare.reset();
    }

    private static Path cache(String name) throws Exception {
        Path cache = WORK.resolve("cds-selftest").resolve(name);
        Catalogue.deleteRecursively(cache);
        Files.createDirectories(cache.getParent());
        Tree.setMode(cache.getParent(), "rwxr-xr-x");
        System.setProperty("echokit.cache", cache.toString());
        ClassShare.reset();
        return cache;
    }

    @Test
    @DisplayName("built once, then reused as it is; a server started as the grader starts it maps picocli from it, in the sandbox too")
    void builtReusedAndMapped() throws Exception {
        Path cache = cache("built");
        Platform platform = Platform.detect();
        ClassShare.Archive archive = ClassShare.forServers(platform).orElseThrow(() -> new AssertionError(ClassShare.note()));
        assertThat(archive.jsa()).startsWith(cache).isRegularFile();
        assertThat(archive.jar()).isRegularFile().hasParent(archive.jsa().getParent());
        FileTime built = Files.getLastModifiedTime(archive.jsa());

        ClassShare.reset(); // a later grading, as in another JVM
        assertThat(ClassShare.forServers(platform)).contains(archive);
        assertThat(Files.getLastModifiedTime(archive.jsa())).as("reused, not rebuilt").isEqualTo(built);

        try (ServerFiles files = ServerFiles.create()) {
            Target target = Target.resolve(null, KIT.resolve("lesson-solution").toString(), KIT, WORK.resolve("cds-selftest/work"), platform, files);
            List<String> launch = target.launch();
            assertThat(launch).contains("-XX:SharedArchiveFile=" + archive.jsa());
            assertThat(launch.get(launch.indexOf("-cp") + 1)).startsWith(archive.jar() + java.io.File.pathSeparator);
            assertThat(target.readablePaths()).contains(archive.jar(), archive.jsa()).doesNotContain(archive.folder());

            // The same start, but -Xshare:on (a JVM that cannot map the archive stops) and the class loading logged.
            String out = startAsServer(target, files, platform, List.of("-Xshare:on", "-Xlog:class+load=info"), "--max-clients", "0");
            assertThat(out).contains("picocli.CommandLine source: shared objects file")
                    .contains("Invalid value '0' for option '--max-clients'");
        }
    }

    @Test
    @DisplayName("an archive the JVM refuses: servers start without it and the solution still scores 50/50")
    void refusedArchiveFallsBack() throws Exception {
        cache("refused");
        Platform platform = Platform.detect();
        ClassShare.Archive archive = ClassShare.forServers(platform).orElseThrow();
        // Garbage where the archive was, with a stamp that vouches for it: only the servers' JVMs can tell.
        Files.write(archive.jsa(), new byte[4096]);
        Files.writeString(archive.folder().resolve("servers.ok"), "jar " + Files.size(archive.jar()) + " "
                + Files.getLastModifiedTime(archive.jar()).toMillis() + "\njsa " + Files.size(archive.jsa()) + " "
                + Files.getLastModifiedTime(archive.jsa()).toMillis() + "\n");
        ClassShare.reset();
        assertThat(ClassShare.forServers(platform)).contains(archive);

        Verdict verdict = Grader.grade(Grader.Request.of(KIT.resolve("lesson-solution").toString(), KIT, WORK.resolve("cds-selftest/refused-work")));
        assertThat(verdict.score()).as(verdict.toString()).isEqualTo(50);
        assertThat(verdict.with(Status.FAILED)).isEmpty();
    }

    @Test
    @DisplayName("a damaged archive is rebuilt; a cache that cannot be written leaves servers on the plain class path, and says why")
    void damagedIsRebuiltUnwritableFallsBack() throws Exception {
        cache("damaged");
        Platform platform = Platform.detect();
        ClassShare.Archive archive = ClassShare.forServers(platform).orElseThrow();
        Files.write(archive.jsa(), new byte[100]);
        ClassShare.reset();
        assertThat(ClassShare.forServers(platform)).contains(archive);
        assertThat(Files.size(archive.jsa())).as("rebuilt").isGreaterThan(1_000_000);

        Path blocked = cache("blocked");
        Files.writeString(blocked, "a file where the cache folder should be");
        assertThat(ClassShare.forServers(platform)).isEmpty();
        assertThat(ClassShare.note()).contains("servers start without a class-data archive");
        try (ServerFiles files = ServerFiles.create()) {
            Target target = Target.resolve(null, KIT.resolve("lesson-solution").toString(), KIT, WORK.resolve("cds-selftest/work"), platform, files);
            assertThat(target.launch()).noneMatch(flag -> flag.startsWith("-XX:SharedArchiveFile"));
            String out = startAsServer(target, files, platform, List.of(), "--max-clients", "0");
            assertThat(out).contains("Invalid value '0' for option '--max-clients'");
        }
    }

    /** Runs the target as {@link RunningServer} would (sandbox, limits, own user), with extra JVM flags; its output. */
    private static String startAsServer(Target target, ServerFiles files, Platform platform, List<String> jvmFlags, String... args)
            throws Exception {
        try (ServerUser user = platform.containment() != Containment.NONE && ServerUser.isRoot() ? ServerUser.lease() : null) {
            Path scratch = files.newScratch(Optional.ofNullable(user));
            List<String> command = new ArrayList<>(Sandbox.prefix(platform, Limits.DEFAULT, Optional.ofNullable(user), scratch,
                    target.readablePaths()));
            List<String> launch = new ArrayList<>(target.launch());
            launch.addAll(1, jvmFlags);
            command.addAll(launch);
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true);
            Sandbox.environment(platform, builder.environment(), scratch);
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(out).isEqualTo(2);
            return out;
        }
    }
}
