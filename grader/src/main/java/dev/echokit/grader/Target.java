package dev.echokit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is being graded: a Java server compiled from a {@code src/main/java} folder, or any program
 * started by a shell command. Knows how to launch it and where each part of the lesson lives in it.
 */
public final class Target {

        private final String name;
    private final Path sourceRoot;          // null for a command target
    private final List<String> launch;      // the command, before --port and --max-clients
    private final Compilation compilation;  // null for a command target
    private final SourceMap sourceMap;   // null for a command target

    private Target(String name, Path sourceRoot, List<String> launch, Compilation compilation, SourceMap sourceMap) {
        this.name = name;
        this.sourceRoot = sourceRoot;
        this.launch = launch;
        this.compilation = compilation;
        this.sourceMap = sourceMap;
    }

    /**
     * Resolves a target the way the README describes: a command string, else a module name or
     * folder (holding {@code src/main/java}, or being it), compiled into {@code workDir}.
     */
    public static Target resolve(String command, String target, Path kitRoot, Path workDir) throws IOException {
        if (command != null && !command.isBlank()) {
            return new Target("command: " + command, null, List.of("sh", "-c", command + " \"$@\"", "server"),
                    null, null);
        }
        Path root = locate(target, kitRoot);
        Path sources = Files.isDirectory(root.resolve("src/main/java")) ? root.resolve("src/main/java") : root;
        Path classes = workDir.resolve("graded").resolve(safeName(root)).resolve("classes");
        Compilation compilation = Compilation.compile(sources, classes);
        List<String> launch = new ArrayList<>();
        launch.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        launch.add("-Xmx256m");
        launch.add("-XX:+UseSerialGC");
        launch.add("-XX:TieredStopAtLevel=1");
        launch.add("-cp");
        launch.add(classes + java.io.File.pathSeparator + Compilation.picocliJar());
        launch.add(compilation.mainClass().orElse("<no main class>"));
        return new Target(displayName(root, kitRoot), sources, launch, compilation, SourceMap.read(sources, kitRoot));
    }

    private static Path locate(String target, Path kitRoot) {
        String wanted = target == null || target.isBlank() ? "lesson-starter" : target;
        Path path = Path.of(wanted);
        if (!path.isAbsolute()) {
            Path inKit = kitRoot.resolve(wanted);
            path = Files.exists(inKit) ? inKit : path.toAbsolutePath();
        }
        return path.normalize();
    }

    private static String displayName(Path root, Path kitRoot) {
        Path absolute = root.toAbsolutePath().normalize();
        String shown = absolute.startsWith(kitRoot) ? kitRoot.relativize(absolute).toString() : absolute.toString();
        return shown.isEmpty() ? String.valueOf(absolute.getFileName()) : shown;
    }

    private static String safeName(Path root) {
        return root.toAbsolutePath().normalize().toString().replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    public String name() {
        return name;
    }

    public boolean isJava() {
        return compilation != null;
    }

    /** The compiled classes, for the architecture rules; empty for command targets. */
    public Optional<Compilation> compilation() {
        return Optional.ofNullable(compilation);
    }

    public Optional<Path> sourceRoot() {
        return Optional.ofNullable(sourceRoot);
    }

    public List<String> launch() {
        return launch;
    }

    /** Where a failure of this part should send the learner: file:line places, or why there are none. */
    public List<String> whereToLook(Part part) {
        if (sourceMap == null) {
            return List.of("no source to point at: this target is a command, not Java sources");
        }
        return part == Part.ARCHITECTURE ? List.of() : sourceMap.whereToLook(part);
    }

    /** One line on what is graded, for the top of the output. */
    public String describe() {
        if (compilation == null) {
            return "Grading " + name + " (each run gets --port P --max-clients N appended)";
        }
        return "Grading " + name + ": compiled " + compilation.fileCount() + " Java files from " + sourceRoot
                + " into " + compilation.classes();
    }
}
