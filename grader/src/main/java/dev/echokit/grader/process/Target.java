package dev.echokit.grader.process;

import dev.echokit.grader.compile.Compilation;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.SourceMap;
import dev.echokit.grader.intake.Tree;
import dev.echokit.grader.lesson.Part;
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
    private final ServerFiles files;
    private final List<Path> readable;
    private final List<String> notes = new ArrayList<>();
    private String provenance;              // what was graded, for the proof's first line
    private List<Path> commandSources = List.of(); // for a command: the source files it names, for "where to look"

    private Target(String name, Path sourceRoot, List<String> launch, Compilation compilation, SourceMap sourceMap,
                   Platform platform, ServerFiles files, List<Path> readable) {
        this.name = name;
        this.sourceRoot = sourceRoot;
        this.launch = launch;
        this.compilation = compilation;
        this.sourceMap = sourceMap;
        this.platform = platform;
        this.files = files;
        this.readable = List.copyOf(readable);
    }

    /**
     * Resolves a target the way the README describes: a command string, else a module name, a
     * folder or a zip, whose one set of server sources the {@link Intake} finds (a copy of the kit:
     * its lesson-starter), compiled into {@code workDir}. When there is nothing to grade, the
     * target's compilation says why, and the grader reports that as its one failure.
     */
    public static Target resolve(String command, String target, Path kitRoot, Path workDir, Platform platform, ServerFiles files)
            throws IOException {
        if (command != null && !command.isBlank()) {
            // The shell adds --port P --max-clients N after the command, as the README says.
            List<Path> folders = new ArrayList<>();
            // The server runs in a scratch folder of its own: a path the learner gave from where they are is made whole first.
            String run = withFullPaths(command, List.of(Path.of("").toAbsolutePath(), kitRoot.toAbsolutePath()));
            List<Path> sources = sourcesNamedIn(run);
            for (Path folder : commandFolders(run)) {
                if (platform.containment() != Containment.NONE && ServerUser.isRoot() && !Tree.openToOthers(folder)) {
                    // The server runs as an unprivileged user: it reads its program from a copy it may read
                    // (a folder made by mktemp -d is root's alone).
                    Path copy = files.stageCommandFolder(folder);
                    run = replacePath(run, folder, copy);
                    folders.add(copy);
                } else {
                    folders.add(folder);
                }
            }
            List<String> shell = Platform.isWindows() ? List.of("cmd.exe", "/c", run) : List.of("sh", "-c", run + " \"$@\"", "server");
            Target started = new Target("command: " + command, null, shell, null, null, platform, files, folders);
            started.provenance = "the command " + command;
            started.commandSources = sources;
            // Java's source launcher compiles the file at every start, and a grading starts the server some 20 times.
            java.util.regex.Matcher source = java.util.regex.Pattern.compile("(?:^|[\\s/])java\\s+(?:\\S+\\s+)*?(\\S+\\.java)\\b").matcher(command);
            if (source.find()) {
                started.notes.add("the command runs " + source.group(1) + " through Java's source launcher, which compiles it at every start"
                        + " (about a second, some 20 starts a grading): compile it once with javac and run the class to grade faster");
            }
            return started;
        }
        Path root = locate(target, kitRoot);
        Intake.Found found = Intake.find(root, workDir.resolve("intake"));
        Path sources = found.graded() ? found.sources() : root;
        Path classes = workDir.resolve("graded").resolve(safeName(root)).resolve("classes");
        long compiling = System.nanoTime();
        Compilation compilation = found.graded() ? Compilation.compile(sources, found.files(), classes)
                : Compilation.nothingToGrade(found.notGraded().words(), classes);
        Timeline.waited(compiling, "compiled " + compilation.fileCount() + " files");
        List<String> notes = new ArrayList<>(found.notes());
        notes.addAll(compilation.notes());
        // The servers run the classes and picocli from the grading's own folder, never from the kit.
        Path staged = compilation.succeeded() ? files.stageClasses(classes) : classes;
        // picocli comes first on the class path, archive or not: the archive holds it (see ClassShare), and a
        // server's classes resolve the same way whether this machine could build the archive or not.
        Optional<ClassShare.Archive> archive = ClassShare.forServers(platform);
        Path picocli = archive.isPresent() ? archive.get().jar() : ServerFiles.picocli();
        List<String> launch = new ArrayList<>();
        launch.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        launch.add("-Xmx" + Limits.JAVA_HEAP_MIB + "m");
        launch.add("-XX:+ExitOnOutOfMemoryError"); // a server out of memory stops, and says so, instead of limping on
        launch.add("-XX:-UsePerfData");            // no hsperfdata files in a shared /tmp
        launch.add("-XX:+UseSerialGC");
        launch.add("-XX:TieredStopAtLevel=1");
        archive.ifPresent(a -> launch.addAll(a.flags()));
        launch.add("-cp");
        launch.add(picocli + java.io.File.pathSeparator + staged);
        launch.add(compilation.mainClass().orElse("<no main class>"));
        // The archive and its jar are shown read-only in the sandbox at their own paths (the archive names its jar by
        // that path), and nothing else of the cache.
        List<Path> readable = new ArrayList<>(List.of(Path.of(System.getProperty("java.home")), staged));
        archive.ifPresentOrElse(a -> readable.addAll(List.of(a.jar(), a.jsa())), () -> readable.add(picocli.getParent()));
        Target resolved = new Target(displayName(root, kitRoot), sources, launch, compilation, SourceMap.read(sources, kitRoot), platform,
                files, readable);
        resolved.notes.addAll(notes);
        resolved.provenance = displayName(sources, kitRoot) + (found.graded()
                ? " (" + javaFiles(found.files().size()) + ", sha256 " + digest(sources, found.files()) + ")" : " (no sources)");
        return resolved;
    }

    private static final java.util.regex.Pattern SOURCE_FILE = java.util.regex.Pattern.compile(
            ".*\\.(?:py|c|h|cc|cpp|go|rs|js|mjs|ts|rb|java|kt|cs|sh|pl|php|lua|ex|exs|zig|swift|hs|ml)$");

    /**
     * The source files a command names (server.py), or, for a program it starts by its path, the
     * source files beside that program (at most 3): what "where to look" can name for a command.
     */
    static List<Path> sourcesNamedIn(String command) {
        List<Path> found = new ArrayList<>();
        for (String word : command.split("[\\s:=]+")) {
            Path path = Path.of(word.replaceAll("^['\"]|['\"]$", ""));
            if (!path.isAbsolute() || !Files.isRegularFile(path) || Sandbox.shownAnyway(path.normalize())) {
                continue;
            }
            if (SOURCE_FILE.matcher(path.getFileName().toString()).matches()) {
                found.add(path.normalize());
            } else if (Files.isExecutable(path) && path.getParent() != null) {
                try (java.util.stream.Stream<Path> beside = Files.list(path.getParent())) {
                    beside.filter(Files::isRegularFile).filter(f -> SOURCE_FILE.matcher(f.getFileName().toString()).matches())
                            .sorted().limit(3).forEach(f -> found.add(f.normalize()));
                } catch (IOException unreadable) {
                    // nothing to name
                }
            }
        }
        return found.stream().distinct().toList();
    }

    /**
     * The folders a command's server needs to read: for each word of the command that names an
     * existing file by its absolute path, that file's folder (a folder named itself), unless the
     * sandbox shows it anyway (the system's folders, the JDK). A server built in a temporary
     * folder is found there too, although the sandbox has a /tmp of its own.
     */
    static List<Path> commandFolders(String command) {
        List<Path> folders = new ArrayList<>();
        for (String word : command.split("[\\s:=]+")) { // a class path or --option=/path holds paths too
            String unquoted = word.replaceAll("^['\"]|['\"]$", "");
            if (!unquoted.startsWith("/")) {
                continue;
            }
            Path path = Path.of(unquoted).normalize();
            if (Sandbox.shownAnyway(path)) {
                continue;
            }
            if (Files.isRegularFile(path) && path.getParent() != null && path.getParent().getNameCount() > 0) {
                folders.add(path.getParent());
            } else if (Files.isDirectory(path) && path.getNameCount() > 0) {
                folders.add(path);
            }
        }
        // A folder inside another is shown with it; the longest first, so that replacing paths never cuts one short.
        List<Path> outer = folders.stream().distinct().filter(f -> folders.stream().noneMatch(o -> !o.equals(f) && f.startsWith(o))).toList();
        return outer.stream().sorted(java.util.Comparator.comparingInt(Path::getNameCount).reversed()).toList();
    }

    /**
     * The command with each word that names an existing file or folder by a relative path ({@code
     * server.py}, {@code ./run.sh}, {@code .} in a class path) made absolute: found from the first of
     * {@code bases} that has it (where the grader runs, then the kit's folder, where the learner runs
     * Maven from), since the server itself starts in a scratch folder where the path would name
     * nothing. Words that name nothing there are left alone, and so is the program's bare name
     * ({@code python3}, {@code java}), which the shell looks up on the PATH.
     */
    static String withFullPaths(String command, List<Path> bases) {
        StringBuilder whole = new StringBuilder();
        java.util.regex.Matcher word = java.util.regex.Pattern.compile("[^\\s:=\"']+").matcher(command);
        int end = 0;
        while (word.find()) {
            whole.append(command, end, word.start());
            String text = word.group();
            String full = text;
            // The program itself, as a shell finds it: a bare name (python3, java) comes from PATH, never from the folder.
            boolean program = command.substring(0, word.start()).isBlank();
            if (!(program && !text.contains("/"))
                    && !text.startsWith("/") && !text.startsWith("-") && !text.startsWith("~") && !text.startsWith("$")) {
                for (Path base : bases) {
                    Path candidate = base.resolve(text).normalize();
                    if (Files.exists(candidate) && !candidate.equals(base.getRoot())) {
                        full = candidate.toString();
                        break;
                    }
                }
            }
            whole.append(full);
            end = word.end();
        }
        return whole.append(command.substring(end)).toString();
    }

    /** The command with every mention of {@code from} (itself, or as the start of a longer path) made {@code to}. */
    static String replacePath(String command, Path from, Path to) {
        return command.replaceAll(java.util.regex.Pattern.quote(from.toString()) + "(?=$|[/\\s:='\"])",
                java.util.regex.Matcher.quoteReplacement(to.toString()));
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

    /**
     * The first 12 hex digits of a SHA-256 over the graded files, each by its path in the source folder
     * and its bytes: the same sources give the same digest on any machine, whatever their folder.
     */
    private static String digest(Path sources, List<Path> graded) throws IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (Path file : graded.stream().map(f -> sources.resolve(f).normalize()).sorted().toList()) {
            sha.update(sources.relativize(file).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(file));
            sha.update((byte) 0);
        }
        return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    }

    private static String safeName(Path root) {
        return root.toAbsolutePath().normalize().toString().replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    public String name() {
        return name;
    }

    /** This grading's folder for its servers: staged classes, and a scratch folder per start. */
    public ServerFiles files() {
        return files;
    }

    /** Paths a contained server must be able to read: the JDK, its staged classes, picocli (with the class-data archive), or a command's folders. */
    List<Path> readablePaths() {
        return readable;
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
        if (sourceMap == null && !commandSources.isEmpty()) {
            // The grader reads no lines of a command's source, but it can name the files: the one the command runs,
            // or those beside the program it starts (server.c beside ./echo-server).
            List<String> named = new ArrayList<>(commandSources.stream().map(Path::toString).toList());
            named.set(0, named.get(0) + " (the command's source; the grader reads no lines of it: start from its accept loop)");
            return named;
        }
        if (sourceMap == null) {
            return List.of("no source to point at: this target is a command, not Java sources");
        }
        return part.kind() == Part.Kind.RULES ? List.of() : sourceMap.whereToLook(part);
    }

    /** The first of {@code parts} whose own methods hold the frame's line (see {@code SourceMap.owner}); empty for a command. */
    public Optional<Part> owner(Crash.Frame frame, List<Part> parts) {
        return sourceMap == null ? Optional.empty() : sourceMap.owner(frame.className(), frame.file(), frame.line(), parts);
    }

    /** A stack frame's place in the graded source, with its code; empty for a command, or a frame in no graded file. */
    public Optional<String> place(Crash.Frame frame) {
        return sourceMap == null ? Optional.empty() : sourceMap.place(frame.className(), frame.file(), frame.line());
    }

    /**
     * A compiler error with its file shown as "where to look" shows files (from the kit, or from the
     * folder holding src/main/java), and its line's code beside it when there is one.
     */
    public String placed(String compileError) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.+?\\.java):(\\d+): (.*)$").matcher(compileError);
        if (sourceMap == null || !m.matches()) {
            return compileError;
        }
        return sourceMap.placeOfFile(m.group(1), Integer.parseInt(m.group(2))).map(p -> m.group(3) + "\n      " + p).orElse(compileError);
    }

    /** What the learner should know about how the sources were read and chosen (encodings, tests left out). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** What was graded, for the first line of its proof: the source folder, how many files and their digest, or the command. */
    public String provenance() {
        return provenance;
    }

    /** One line on what is graded, for the top of the output: what the compiler did, never more. */
    public String describe() {
        if (compilation == null) {
            return "Grading " + name + " (each run gets --port P --max-clients N appended)";
        }
        if (!compilation.hadSources()) {
            return "Grading " + name + ": no Java sources to compile";
        }
        if (!compilation.errors().isEmpty()) {
            return "Grading " + name + ": " + javaFiles(compilation.fileCount()) + " from " + sourceRoot + " did not compile";
        }
        if (compilation.mainClass().isEmpty()) {
            return "Grading " + name + ": compiled " + javaFiles(compilation.fileCount()) + " from " + sourceRoot + ", with no main class";
        }
        return "Grading " + name + ": compiled " + javaFiles(compilation.fileCount()) + " from " + sourceRoot
                + " into " + compilation.classes();
    }

    /** "1 Java file", "5 Java files". */
    private static String javaFiles(int count) {
        return count + (count == 1 ? " Java file" : " Java files");
    }
}
