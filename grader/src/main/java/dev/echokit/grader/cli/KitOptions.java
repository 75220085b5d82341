package dev.echokit.grader.cli;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.process.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every grader command shares (a picocli mixin): where the kit is, and the platform to grade as. */
final class KitOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--kit", paramLabel = "DIR", description = "The kit's root folder. Default: found from the current folder.")
    private Path kit;

    @Option(names = "--platform", defaultValue = "auto", paramLabel = "auto|portable",
            description = "portable: grade as on macOS or Windows, without /proc, bash, ulimit or bubblewrap. Default: ${DEFAULT-VALUE}.")
    private String platform;

    /** The kit's root: given, or the current folder or one above it that holds the lesson. */
    Path kitRoot() {
        if (kit != null) {
            return kit.toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(ConnectionLimits.LESSON.text()))) {
                return dir;
            }
        }
        throw new ParameterException(spec.commandLine(), "Missing option '--kit': run from inside the kit, or name its folder.");
    }

    Platform platform() {
        try {
            return Platform.of(platform);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value '" + platform + "' for option '--platform': " + e.getMessage() + ".");
        }
    }
}
