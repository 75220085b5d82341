package dev.echokit.grader.process;

import dev.echokit.grader.intake.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files one grading's servers may see, in a folder of their own under the system's temporary
 * folder: the compiled server and picocli, copied there read-only (so a server never sees the
 * kit, the grader or the class folder it came from, and an unprivileged user can reach them
 * wherever the kit lives), and a fresh scratch folder for each server start, the only place that
 * server may write. All of it is gone when the grading ends.
 */
public final class ServerFiles implements AutoCloseable {

    private static Path stagedPicocli;

    /** Every folder this JVM made for its servers: the self-test checks that none outlives its grading. */
    public static final java.util.Set<Path> MADE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path root;
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger commandFolders = new AtomicInteger();

    private ServerFiles(Path root) {
        this.root = root;
    }

    /** A new folder: others may pass through it (an unprivileged server must reach its files) but not list it. */
    public static ServerFiles create() throws IOException {
        Path root = Files.createTempDirectory("echokit-run-");
        Tree.setMode(root, "rwx--x--x");
        MADE.add(root);
        return new ServerFiles(root);
    }

    public Path root() {
        return root;
    }

    /** Copies the compiled classes to where the servers read them; returns that folder. */
    Path stageClasses(Path classes) throws IOException {
        Path staged = root.resolve("server").resolve("classes");
        Tree.copyReadable(classes, staged);
        Tree.setMode(staged.getParent(), "rwxr-xr-x");
        return staged;
    }

    /** Most a command's folders may hold to be copied for its servers. */
    static final long COMMAND_COPY_LIMIT = 256L << 20;

    /** Copies one folder a command names to where its servers read it; returns that copy. */
    Path stageCommandFolder(Path folder) throws IOException {
        if (Tree.size(folder, COMMAND_COPY_LIMIT) > COMMAND_COPY_LIMIT) {
            throw new IOException("the command's folder " + folder + " holds more than " + (COMMAND_COPY_LIMIT >> 20)
                    + " MiB: the grader copies it for the server to read, so keep the server in a folder of its own");
        }
        Path commands = root.resolve("command");
        Files.createDirectories(commands);
        Tree.setMode(commands, "rwxr-xr-x");
        Path staged = commands.resolve(Integer.toString(commandFolders.incrementAndGet())).resolve(folder.getFileName().toString());
        Files.createDirectories(staged.getParent());
        Tree.setMode(staged.getParent(), "rwxr-xr-x");
        Tree.copyReadable(folder, staged);
        return staged;
    }

    /** A scratch folder for one server start, owned by the user it runs as (if it has one of its own). */
    Path newScratch(Optional<ServerUser> user) throws IOException {
        Path scratch = Files.createDirectory(root.resolve("scratch-" + starts.incrementAndGet()));
        if (user.isPresent()) {
            Files.setAttribute(scratch, "unix:uid", user.get().id());
            Files.setAttribute(scratch, "unix:gid", user.get().id());
        }
        Tree.setMode(scratch, "rwx------");
        return scratch;
    }

    /** Servers started in this grading so far (one scratch folder each). */
    public int starts() {
        return starts.get();
    }

    @Override
    public void close() {
        Tree.delete(root);
    }

    /**
     * picocli's classes alone, as a jar readable by everyone, made once per grader JVM, for servers that
     * start without the class-data archive (which has a jar of its own, see ClassShare). The grader
     * itself may be one shaded jar that holds picocli: servers get picocli, never the grader.
     */
    static synchronized Path picocli() throws IOException {
        if (stagedPicocli == null) {
            Path dir = Files.createTempDirectory("echokit-lib-");
            Tree.setMode(dir, "rwxr-xr-x");
            Path jar = dir.resolve("picocli.jar");
            dir.toFile().deleteOnExit();
            jar.toFile().deleteOnExit(); // removed before its folder: the hook runs in reverse order
            ClassShare.writePicocli(jar);
            Tree.setMode(jar, "rw-r--r--");
            stagedPicocli = jar;
        }
        return stagedPicocli;
    }
}
