package dev.echokit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What is being graded: a Java server compiled from a {@code src/main/java} folder, or any program
 * started by a shell command. Knows how to launch it and where its TODO markers are.
 */
public final class Target {

    private static final Pattern TODO = Pattern.compile("TODO\\(task (\\d+)\\)");

    private final String name;
    private final Path sourceRoot;          // null for a command target
    private final List<String> launch;      // the command, before --port and --max-clients
    private final Compilation compilation;  // null for a command target
    private final List<Marker> markers;

    private Target(String name, Path sourceRoot, List<String> launch, Compilation compilation, List<Marker> markers) {
        this.name = name;
        this.sourceRoot = sourceRoot;
        this.launch = launch;
        this.compilation = compilation;
        this.markers = markers;
    }

    /** A {@code TODO(task N)} line in the target's source, to point the learner at. */
    public record Marker(int task, Path file, int line, String text) {
        public String location() {
            return file + ":" + line;
        }
    }

    /**
     * Resolves a target the way the README describes: a command string, else a module name or
     * folder (holding {@code src/main/java}, or being it), compiled into {@code workDir}.
     */
    public static Target resolve(String command, String target, Path kitRoot, Path workDir) throws IOException {
        if (command != null && !command.isBlank()) {
            return new Target("command: " + command, null, List.of("sh", "-c", command + " \"$@\"", "server"),
                    null, List.of());
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
        return new Target(displayName(root, kitRoot), sources, launch, compilation, findMarkers(sources, kitRoot));
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
        return absolute.startsWith(kitRoot) ? kitRoot.relativize(absolute).toString() : absolute.toString();
    }

    private static String safeName(Path root) {
        return root.toAbsolutePath().normalize().toString().replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    private static List<Marker> findMarkers(Path sources, Path kitRoot) throws IOException {
        List<Marker> found = new ArrayList<>();
        if (!Files.isDirectory(sources)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher todo = TODO.matcher(lines.get(i));
                    if (todo.find()) {
                        Path shown = file.toAbsolutePath().normalize();
                        shown = shown.startsWith(kitRoot) ? kitRoot.relativize(shown) : shown;
                        found.add(new Marker(Integer.parseInt(todo.group(1)), shown, i + 1, lines.get(i).strip()));
                    }
                }
            }
        }
        return found;
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

    public List<Marker> markers(int task) {
        return markers.stream().filter(marker -> marker.task() == task).toList();
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
