package dev.echokit.grader.process;

import dev.echokit.grader.intake.Tree;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The graded servers' class-data archive: the JDK's and picocli's classes a server loads when it
 * starts, parsed and laid out once so that each of a grading's twenty-odd server JVMs maps them
 * instead (about a third of a start's CPU). A static archive ({@code -Xshare:dump}), because it
 * takes picocli's Java 5 class files, which a dynamic one refuses; dumped with {@code -cp
 * picocli.jar}, so a learner's classes, on the class path after it, load as they always did.
 *
 * <p>It is built once per JDK and picocli (the grader's version) into a cache that outlives the
 * grading: {@code /var/cache/echokit} as root (a folder every server user may read), else
 * {@code ~/.cache/echokit} ({@code $XDG_CACHE_HOME} if set); {@code -Dechokit.cache=DIR} or
 * {@code ECHOKIT_CACHE} choose another, {@code -Dechokit.cds=off} or {@code ECHOKIT_CDS=off}
 * turn it off. The archive is only valid with the very jar it was dumped with (its path, size and
 * time), so the jar lives beside it and servers read picocli from there. When it cannot be built
 * or is refused, servers start as before; the grader says so on its error stream, never in the
 * learner's summary. A server's JVM that refuses the archive at start ({@code -Xshare:auto}) runs
 * without it, silently: no verdict depends on it.
 */
public final class ClassShare {

    /** Bumped when what goes into the archive changes (the training, the flags): a new cache folder. */
    private static final int LAYOUT = 1;
    /** Most one step of the build may take (a JVM dumping a few thousand classes: about a second). */
    private static final long STEP_SECONDS = 120;

    /** The archive and the jar it must be used with, first on the class path. */
    public record Archive(Path jar, Path jsa) {
        /** The flags that make a server's JVM map the archive (and start without it if it cannot). */
        List<String> flags() {
            return List.of("-XX:SharedArchiveFile=" + jsa, "-Xshare:auto");
        }

        public Path folder() {
            return jar.getParent();
        }
    }

    private static Optional<Archive> servers;
    private static String note = "";

    private ClassShare() {
    }

    /**
     * The servers' archive, built if the cache has none, once per JVM; empty when it is turned
     * off, cannot be built, or an unprivileged server could not read it.
     */
    public static synchronized Optional<Archive> forServers(Platform platform) {
        if (servers == null) {
            servers = Optional.empty();
            if (off()) {
                note = "servers start without a class-data archive: turned off (echokit.cds=off)";
            } else {
                try {
                    Archive archive = ensure(folder());
                    if (platform.containment() == Containment.OWN_USER && ServerUser.isRoot() && !(readableByAll(archive.jsa()) && readableByAll(archive.jar()))) {
                        note = "servers start without a class-data archive: " + archive.folder()
                                + " is not readable by every user, and servers run as users of their own";
                    } else {
                        servers = Optional.of(archive);
                    }
                } catch (IOException | RuntimeException e) {
                    String why = e.getMessage() != null && e.getMessage().startsWith("building the archive") ? e.getMessage()
                            : "cannot build it in " + cacheRoot() + " (" + e + ")";
                    note = "servers start without a class-data archive (each start costs about a third more CPU): " + why;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    note = "servers start without a class-data archive: interrupted while building it";
                }
            }
            if (!note.isEmpty()) {
                System.err.println("echokit: " + note);
            }
        }
        return servers;
    }

    /** What became of the archive in this JVM, for diagnostic output (empty when it is in use as built). */
    public static synchronized String note() {
        return note;
    }

    /** Forgets this JVM's answer (tests that point the cache elsewhere). */
    public static synchronized void reset() {
        servers = null;
        note = "";
    }

    static boolean off() {
        String setting = System.getProperty("echokit.cds", System.getenv().getOrDefault("ECHOKIT_CDS", "on"));
        return setting.equalsIgnoreCase("off") || setting.equalsIgnoreCase("false");
    }

    /** The cache folder for this JDK and this grader's picocli. */
    public static Path folder() throws IOException {
        String key = (System.getProperty("java.runtime.version", "unknown") + "-" + fingerprint()).replaceAll("[^A-Za-z0-9._+-]+", "_");
        return cacheRoot().resolve(key);
    }

    static Path cacheRoot() {
        String chosen = System.getProperty("echokit.cache", System.getenv("ECHOKIT_CACHE"));
        if (chosen != null && !chosen.isBlank()) {
            return Path.of(chosen).toAbsolutePath().normalize();
        }
        if (ServerUser.isRoot()) {
            return Path.of("/var/cache/echokit");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("echokit").toAbsolutePath().normalize();
    }

    /** The archive in {@code folder}, built there first if it is missing or does not match its stamp. */
    static Archive ensure(Path folder) throws IOException, InterruptedException {
        Archive archive = new Archive(folder.resolve("picocli.jar"), folder.resolve("servers.jsa"));
        if (stamped(archive)) {
            return archive;
        }
        makeFolder(folder.getParent());
        makeFolder(folder);
        // Another grader (a class graded in parallel, another learner's run) may be building it too: one builds, the other waits.
        try (FileChannel lockFile = FileChannel.open(folder.resolve("build.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            if (!stamped(archive)) {
                build(archive);
            }
        }
        return archive;
    }

    private static void build(Archive archive) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path folder = archive.folder();
        Files.deleteIfExists(folder.resolve("servers.ok"));
        Files.deleteIfExists(archive.jsa());
        Path jarTemp = folder.resolve("picocli.jar.tmp");
        writePicocli(jarTemp);
        Files.move(jarTemp, archive.jar(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        setMode(archive.jar(), "rw-r--r--");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String training = archive.jar() + File.pathSeparator + codeSource(ServerTraining.class);
        Path log = folder.resolve("build.log");
        Files.deleteIfExists(log);
        // 1. The classes a server's start loads, JDK's and picocli's.
        Path loaded = folder.resolve("servers.loaded");
        run(log, List.of(java.toString(), "-Xshare:off", "-XX:DumpLoadedClassList=" + loaded, "-cp", training,
                ServerTraining.class.getName()));
        // Only what the archive's class path holds: the training class and the JDK's runtime-made proxies cannot be found at dump.
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(loaded, StandardCharsets.UTF_8)) {
            if (!line.contains("dev/echokit/") && !line.contains("jdk/proxy") && !line.contains("$$Lambda")) {
                kept.add(line);
            }
        }
        Path list = folder.resolve("servers.classlist");
        Files.write(list, kept, StandardCharsets.UTF_8);
        Files.delete(loaded);
        // 2. The archive, dumped with picocli.jar alone on the class path.
        Path jsaTemp = folder.resolve("servers.jsa.tmp");
        Files.deleteIfExists(jsaTemp);
        run(log, List.of(java.toString(), "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + jsaTemp,
                "-cp", archive.jar().toString()));
        Files.move(jsaTemp, archive.jsa(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        setMode(archive.jsa(), "rw-r--r--");
        // 3. Proof that this JDK maps it with a class path that extends the dump's, as the servers' does.
        run(log, List.of(java.toString(), "-Xshare:on", "-XX:SharedArchiveFile=" + archive.jsa(), "-cp", training,
                ServerTraining.class.getName()));
        Files.writeString(folder.resolve("servers.ok"), stamp(archive));
        setMode(folder.resolve("servers.ok"), "rw-r--r--");
        System.err.printf("echokit: built the graded servers' class-data archive %s in %.1f s (once per JDK and grader version)%n",
                archive.jsa(), (System.nanoTime() - start) / 1e9);
    }

    /** The archive is there and is the one that was built and proved, with its own jar beside it. */
    private static boolean stamped(Archive archive) {
        try {
            Path ok = archive.folder().resolve("servers.ok");
            return Files.isRegularFile(ok) && Files.readString(ok).equals(stamp(archive));
        } catch (IOException e) {
            return false;
        }
    }

    private static String stamp(Archive archive) throws IOException {
        return "jar " + Files.size(archive.jar()) + " " + Files.getLastModifiedTime(archive.jar()).toMillis()
                + "\njsa " + Files.size(archive.jsa()) + " " + Files.getLastModifiedTime(archive.jsa()).toMillis() + "\n";
    }

    private static void run(Path log, List<String> command) throws IOException, InterruptedException {
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File(Platform.isWindows() ? "NUL" : "/dev/null")))
                .start();
        if (!process.waitFor(STEP_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("building the archive took more than " + STEP_SECONDS + " s (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new IOException("building the archive failed with exit code " + process.exitValue() + " (see " + log + ")");
        }
    }

    /** picocli's classes alone, as the grader has them: the servers' picocli, in a jar of its own. */
    static void writePicocli(Path jar) throws IOException {
        Path source = codeSource(CommandLine.class);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source.resolve("picocli"))) {
                    for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                        add(out, source.relativize(file).toString().replace('\\', '/'), Files.newInputStream(file));
                    }
                }
            } else {
                try (JarFile in = new JarFile(source.toFile())) {
                    for (JarEntry entry : in.stream().filter(e -> e.getName().startsWith("picocli/") && !e.isDirectory()).toList()) {
                        add(out, entry.getName(), in.getInputStream(entry));
                    }
                }
            }
        }
    }

    private static void add(JarOutputStream out, String name, InputStream content) throws IOException {
        try (InputStream in = content) {
            out.putNextEntry(new JarEntry(name));
            in.transferTo(out);
            out.closeEntry();
        }
    }

    /** A short hash of picocli's classes as the grader holds them, and of this archive's layout. */
    private static String fingerprint() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(("layout " + LAYOUT + " " + System.getProperty("java.home")).getBytes(StandardCharsets.UTF_8));
            Path source = codeSource(CommandLine.class);
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source.resolve("picocli"))) {
                    for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                        digest.update(source.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                        digest.update(Files.readAllBytes(file));
                    }
                }
            } else {
                try (JarFile in = new JarFile(source.toFile())) {
                    for (JarEntry entry : in.stream().filter(e -> e.getName().startsWith("picocli/") && !e.isDirectory()).toList()) {
                        digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                        try (InputStream content = in.getInputStream(entry)) {
                            digest.update(content.readAllBytes());
                        }
                    }
                }
            }
            return "picocli-" + HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A folder every user may pass through and list (servers run as users of their own). */
    private static void makeFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            setMode(folder, "rwxr-xr-x");
        }
    }

    private static void setMode(Path path, String mode) throws IOException {
        if (!Platform.isWindows()) {
            Tree.setMode(path, mode);
        }
    }

    /** Every user may read the file and pass through every folder above it. */
    static boolean readableByAll(Path file) {
        try {
            if (!Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
                return false;
            }
            for (Path dir = file.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
                if (!mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
