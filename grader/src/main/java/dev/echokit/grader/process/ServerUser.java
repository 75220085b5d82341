package dev.echokit.grader.process;

import dev.echokit.grader.intake.Tree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An unprivileged user id that one graded server, and everything it starts, runs as while the
 * grader runs as root. Each server start leases its own id, so that the kernel's per-user limits
 * (processes, threads) are that server's alone, and so that "every process of this user" is
 * exactly what that server left behind: {@link #close()} ends them all with {@code kill -1} sent
 * as that user, which reaches even a detached process that left the server's process tree.
 *
 * <p>The ids need no entry in /etc/passwd (the kernel only needs a number); a lease takes one that
 * no account and no running process has, and holds a lock file for it so that two graders on one
 * machine never share an id.
 */
public final class ServerUser implements AutoCloseable {

    /** A block of ids below 65,534 (so that a container's usual user mapping holds them) and above the accounts a system creates. */
    static final int FIRST_ID = 61_000;
    public static final int COUNT = 2_000;

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final List<Path> LOCK_DIRS = List.of(Path.of("/run/echokit-uids"), Path.of("/var/lock/echokit-uids"),
            Path.of(System.getProperty("java.io.tmpdir"), "echokit-uids-root"));

    /** Every id this JVM has leased: what its self-test checks for survivors, apart from other graders on the machine. */
    static final Set<Integer> LEASED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final int id;
    private final FileChannel lockFile;
    private final FileLock lock;

    private ServerUser(int id, FileChannel lockFile, FileLock lock) {
        this.id = id;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Leases a free id; fails only when every id of the block is taken. */
    static ServerUser lease() throws IOException {
        Path dir = lockDir();
        Set<Integer> taken = accountIds();
        int start = ThreadLocalRandom.current().nextInt(COUNT);
        for (int i = 0; i < COUNT; i++) {
            int id = FIRST_ID + (start + i) % COUNT;
            if (taken.contains(id)) {
                continue;
            }
            FileChannel channel = FileChannel.open(dir.resolve("uid-" + id), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                channel.close();
                continue;
            }
            if (!processesOf(id).isEmpty()) { // a survivor of a grader that was killed: leave that id alone
                lock.release();
                channel.close();
                continue;
            }
            LEASED.add(id);
            return new ServerUser(id, channel, lock);
        }
        throw new IOException("all " + COUNT + " user ids for graded servers (" + FIRST_ID + "…) are in use");
    }

    /** Whether a grader (this one or another on the machine) holds this id now: its processes are then that grader's. */
    static boolean inUse(int id) {
        try (FileChannel channel = FileChannel.open(lockDir().resolve("uid-" + id), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this machine can run servers as other users: the grader is root, and util-linux's setpriv is there. */
    public static boolean available() {
        return isRoot() && Files.isExecutable(SETPRIV);
    }

    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    int id() {
        return id;
    }

    /** The setpriv prefix that drops every privilege and becomes this user before the server starts. */
    List<String> setpriv() {
        return List.of(SETPRIV.toString(), "--reuid=" + id, "--regid=" + id, "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--");
    }

    /** Processes this user runs now, from the owners of /proc's entries. */
    static Set<Long> processesOf(int uid) {
        Set<Long> pids = new HashSet<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path entry : proc) {
                try {
                    if (((Integer) Files.getAttribute(entry, "unix:uid")) == uid) {
                        pids.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
        return pids;
    }

    /** How many processes this user runs now. */
    int processCount() {
        return processesOf(id).size();
    }

    /**
     * Ends every process of this user: {@code kill -KILL -1} sent as the user itself reaches all of
     * them at once, forks in flight included, however they were detached. Repeated until none is
     * left, within a bound.
     */
    void killAll() {
        for (int round = 0; round < 20 && !processesOf(id).isEmpty(); round++) {
            try {
                List<String> kill = new java.util.ArrayList<>(setpriv());
                kill.addAll(List.of("kill", "-KILL", "-1"));
                Process killer = new ProcessBuilder(kill).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                killer.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                processesOf(id).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Ends the user's processes, removes what it left in the shared temporary folders, and frees the id. */
    @Override
    public void close() {
        killAll();
        for (String shared : List.of("/tmp", "/var/tmp", "/dev/shm")) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(shared))) {
                for (Path entry : entries) {
                    if (((Integer) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == id) {
                        Tree.delete(entry);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // nothing there, or not ours to read
            }
        }
        try {
            lock.release();
            lockFile.close();
        } catch (IOException e) {
            // the lock goes with the file handle anyway
        }
    }

    private static Path lockDir() throws IOException {
        IOException last = null;
        for (Path dir : LOCK_DIRS) {
            try {
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dir.getParent());
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                // Only a folder of root's own, that nobody else can write, may hold the locks.
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                        && ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0
                        && (((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0022) == 0) {
                    return dir;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no folder for the user-id locks: " + LOCK_DIRS, last);
    }

    /** Ids that belong to an account of this machine (/etc/passwd), never leased. */
    private static Set<Integer> accountIds() {
        Set<Integer> ids = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].matches("\\d+")) {
                    ids.add(Integer.parseInt(f[2]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no passwd file: the lock files and the process check still keep ids apart
        }
        return ids;
    }
}
