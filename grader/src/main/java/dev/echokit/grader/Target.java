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
    private final Platform platform;
    private final Path scratch;
    private final List<String> notes = new ArrayList<>();

    private Target(String name, Path sourceRoot, List<String> launch, Compilation compilation, SourceMap sourceMap,
                   Platform platform, Path scratch) {
        this.name = name;
        this.sourceRoot = sourceRoot;
        this.launch = launch;
        this.compilation = compilation;
        this.sourceMap = sourceMap;
        this.platform = platform;
        this.scratch = scratch;
    }

    /**
     * Resolves a target the way the README describes: a command string, else a module name, a
     * folder or a zip, whose one set of server sources the {@link Intake} finds (a copy of the kit:
     * its lesson-starter), compiled into {@code workDir}. When there is nothing to grade, the
     * target's compilation says why, and the grader reports that as its one failure.
     */
    public static Target resolve(String command, String target, Path kitRoot, Path workDir, Platform platform, Path scratch)
            throws IOException {
        if (command != null && !command.isBlank()) {
            // The shell adds --port P --max-clients N after the command, as the README says.
            List<String> shell = Platform.isWindows() ? List.of("cmd.exe", "/c", command) : List.of("sh", "-c", command + " \"$@\"", "server");
            return new Target("command: " + command, null, shell, null, null, platform, scratch);
        }
        Path root = locate(target, kitRoot);
        Intake.Found found = Intake.find(root, workDir.resolve("intake"));
        Path sources = found.graded() ? found.sources() : root;
        Path classes = workDir.resolve("graded").resolve(safeName(root)).resolve("classes");
        Compilation compilation = found.graded() ? Compilation.compile(sources, found.files(), classes)
                : Compilation.nothingToGrade(found.notGraded(), classes);
        List<String> notes = new ArrayList<>(found.notes());
        notes.addAll(compilation.notes());
        List<String> launch = new ArrayList<>();
        launch.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        launch.add("-Xmx256m");
        launch.add("-XX:+UseSerialGC");
        launch.add("-XX:TieredStopAtLevel=1");
        launch.add("-cp");
        launch.add(classes + java.io.File.pathSeparator + Compilation.picocliJar());
        launch.add(compilation.mainClass().orElse("<no main class>"));
        Target resolved = new Target(displayName(root, kitRoot), sources, launch, compilation, SourceMap.read(sources, kitRoot), platform, scratch);
        resolved.notes.addAll(notes);
        return resolved;
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

    /** The servers' working folder for this grading: the only place a contained server may write. */
    public Path scratch() {
        return scratch;
    }

    /** Paths a contained server must be able to read: its classes, the jars on its classpath, the JDK. */
    List<Path> readablePaths() {
        List<Path> paths = new ArrayList<>(List.of(Path.of(System.getProperty("java.home")), Path.of("").toAbsolutePath()));
        if (compilation != null) {
            paths.add(compilation.classes());
            paths.add(Compilation.picocliJar());
        }
        return paths;
    }

    public Platform platform() {
        return platform;
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

    /** What the learner should know about how the sources were read and chosen (encodings, tests left out). */
    public List<String> notes() {
        return List.copyOf(notes);
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
