package dev.echokit.grader.intake;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder trees the grader makes and removes: scratch folders, staged classes, unpacked submissions. */
public final class Tree {

    private Tree() {
    }

    /**
     * Removes a file or folder and everything in it, quietly and without following links (a server
     * may leave a link to anywhere in its folder); a folder it made unreadable is opened up first.
     */
    public static void delete(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | RuntimeException e) {
                openUp(root);
            }
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            openUp(root);
        }
    }

    private static void openUp(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    dir.toFile().setReadable(true, true);
                    dir.toFile().setWritable(true, true);
                    dir.toFile().setExecutable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    file.toFile().setReadable(true, true);
                    file.toFile().setExecutable(true, true);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            // what cannot be opened stays; the caller's delete was best effort
        }
    }

    /** Copies a folder's files into {@code to}, readable by everyone (programs runnable) and writable by the owner only. */
    public static void copyReadable(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    setMode(target, "rwxr-xr-x");
                } else if (Files.isRegularFile(source)) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    setMode(target, Files.isExecutable(source) ? "rwxr-xr-x" : "rw-r--r--");
                }
            }
        }
    }

    /** The bytes in a folder's regular files, counted up to {@code limit} and a little past it. */
    public static long size(Path root, long limit) throws IOException {
        long total = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                total += Files.size(file);
                if (total > limit) {
                    break;
                }
            }
        }
        return total;
    }

    /** Whether any user may read this folder: it and every folder above it let others pass, and it lets them read. */
    public static boolean openToOthers(Path folder) {
        try {
            if ((mode(folder) & 05) != 05) {
                return false;
            }
            for (Path up = folder.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
                if ((mode(up) & 01) == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode");
    }

    public static void setMode(Path path, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): nobody else runs servers there
        }
    }
}
