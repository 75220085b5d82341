package dev.echokit.grader.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How one server start is held: the command that goes before the server's own, and the environment
 * it gets. In the strongest form (bubblewrap, grader running as root) the server sees an allow-list
 * of the machine — the system's programs and libraries, the JDK, its own files read-only, its
 * scratch folder, a private /tmp — in its own process namespace, with the kernel's limits set, as
 * a user id of its own with no capability left.
 *
 * <p>The order of the prefix matters. bubblewrap runs first, as root, so that it can show the
 * server files an unprivileged user could not reach (a kit under /root) and needs no user
 * namespace; inside, prlimit sets the limits, and setpriv becomes the server's own user id and
 * drops every capability before the server starts. A server so started cannot mount, cannot read
 * what only root may read, and cannot write anywhere but its scratch folder.
 */
public final class Sandbox {

    static final Path BWRAP = Path.of("/usr/bin/bwrap");
    static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    /** System folders a program needs: shown read-only, or as the links they are on a merged-/usr system. */
    private static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    /**
     * What of /etc a JVM or a compiled program reads: the loader's cache, name lookup of localhost,
     * time zone, the alternatives links behind /usr/bin/java, public certificates and the JDK's own
     * settings. Never /etc as a whole: it holds secrets.
     */
    private static final List<String> ETC = List.of("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/nsswitch.conf",
            "/etc/hosts", "/etc/host.conf", "/etc/localtime", "/etc/alternatives", "/etc/ssl/certs");

    private Sandbox() {
    }

    /** The command that goes before the server's, for this platform's containment. */
    static List<String> prefix(Platform platform, Limits limits, Optional<ServerUser> user, Path scratch, List<Path> readable) {
        List<String> prefix = new ArrayList<>();
        if (platform.containment() == Containment.BUBBLEWRAP) {
            prefix.addAll(view(scratch, readable));
        }
        if (Files.isExecutable(PRLIMIT) && platform.containment() != Containment.NONE) {
            prefix.add(PRLIMIT.toString());
            prefix.addAll(limits.prlimit(user.isPresent()));
            prefix.add("--");
        }
        user.ifPresent(u -> prefix.addAll(u.setpriv()));
        return prefix;
    }

    /**
     * A contained server's environment: nothing of the grader's (which may hold tokens or the
     * instructor's settings), only what a program needs to run.
     */
    public static void environment(Platform platform, Map<String, String> env, Path scratch) {
        if (platform.containment() == Containment.NONE) {
            return; // the learner's own machine and own server: their environment as it is
        }
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("LANG", "C.UTF-8");
        env.put("HOME", scratch.toString());
        env.put("TMPDIR", platform.containment() == Containment.BUBBLEWRAP ? "/tmp" : scratch.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("MALLOC_ARENA_MAX", "2"); // glibc's per-thread arenas would otherwise spend the address-space limit
    }

    /** bubblewrap's arguments: the allow-listed view, the scratch folder writable, new namespaces but the network. */
    static List<String> view(Path scratch, List<Path> readable) {
        List<String> args = new ArrayList<>(List.of(BWRAP.toString(),
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--new-session", "--hostname", "echokit"));
        for (String dir : SYSTEM) {
            Path path = Path.of(dir);
            if (Files.isSymbolicLink(path)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(path)) {
                args.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        // The folders above each allowed file of /etc are made first, passable: a folder bubblewrap makes by itself for a
        // bind is private to root (0700), and a server run as a user of its own could then read none of /etc (Node.js
        // stopped, unable to open /etc/ssl/openssl.cnf, and a correct server scored 0/50).
        Set<Path> made = new LinkedHashSet<>(List.of(Path.of("/"), Path.of("/usr")));
        for (String etc : etcAllowList()) {
            parents(args, Path.of(etc), made);
            args.addAll(List.of("--ro-bind", etc, etc));
        }
        parents(args, Path.of("/etc/x"), made); // /etc itself, even when none of the list exists here
        args.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp"));
        made.addAll(List.of(Path.of("/tmp"), Path.of("/dev"), Path.of("/proc")));
        for (Path path : shown(readable)) {
            parents(args, path, made);
            args.addAll(List.of("--ro-bind", path.toString(), path.toString()));
        }
        parents(args, scratch, made);
        args.addAll(List.of("--bind", scratch.toString(), scratch.toString(), "--chdir", scratch.toString(), "--"));
        return args;
    }

    private static List<String> etcAllowList() {
        List<String> etc = new ArrayList<>();
        for (String path : ETC) {
            if (Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) {
                etc.add(path);
            }
        }
        try (var javaSettings = Files.newDirectoryStream(Path.of("/etc"), "java*")) {
            javaSettings.forEach(p -> etc.add(p.toString())); // Debian's JDK links its conf/ files there
        } catch (IOException e) {
            // no /etc to read
        }
        return etc;
    }

    /** Whether the sandbox shows this path whatever the server's own files are: a system folder, or the JDK. */
    static boolean shownAnyway(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return SYSTEM.stream().anyMatch(absolute::startsWith) || absolute.startsWith(Path.of(System.getProperty("java.home")));
    }

    /** The readable paths that exist and are not already inside a system folder or another shown path. */
    private static List<Path> shown(List<Path> readable) {
        List<Path> kept = new ArrayList<>();
        for (Path candidate : readable.stream().map(p -> p.toAbsolutePath().normalize()).distinct().sorted().toList()) {
            boolean system = SYSTEM.stream().anyMatch(s -> candidate.startsWith(s));
            boolean inside = kept.stream().anyMatch(candidate::startsWith);
            if (Files.exists(candidate) && !system && !inside && candidate.getNameCount() > 0) {
                kept.add(candidate);
            }
        }
        return kept;
    }

    /** Makes the folders above {@code path} inside the sandbox, passable by the unprivileged server. */
    private static void parents(List<String> args, Path path, Set<Path> made) {
        List<Path> missing = new ArrayList<>();
        for (Path p = path.getParent(); p != null && !made.contains(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path dir : missing) {
            args.addAll(List.of("--perms", "0755", "--dir", dir.toString()));
            made.add(dir);
        }
    }
}
