package dev.echokit.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds the one set of server sources a submission holds, the same way for every mode (one
 * target, a class, Gradescope): a folder or a {@code .zip}, possibly wrapped in folders, holding a
 * copy of the kit (its {@code lesson-starter} is graded), a module folder, {@code src/main/java},
 * or loose {@code .java} files. Anything that cannot be graded says why, in words.
 */
public final class Intake {

    /** Unpacked bytes a submission's zip may hold before it is refused: far more than any server's sources. */
    static final long MAX_UNZIPPED_BYTES = 64L * 1024 * 1024;
    static final int MAX_ZIP_ENTRIES = 20_000;
    private static final int MAX_DEPTH = 40;
    private static final Set<String> SKIPPED = Set.of("target", ".git", "node_modules", "__MACOSX", ".idea", ".vscode", "build", "out");

    private Intake() {
    }

    /** What a submission holds: the sources to grade, or why there are none to grade. */
    public record Found(Path sources, String notGraded) {
        public boolean graded() {
            return sources != null;
        }

        static Found sources(Path sources) {
            return new Found(sources, null);
        }

        static Found not(String why) {
            return new Found(null, why);
        }
    }

    /** Looks into a folder or a zip; a zip is unpacked under {@code scratch} first. */
    public static Found find(Path submission, Path scratch) throws IOException {
        Path root = submission;
        if (Files.isRegularFile(submission) && submission.getFileName().toString().toLowerCase().endsWith(".zip")) {
            Path into = scratch.resolve("unzipped");
            String problem = unzip(submission, into);
            if (problem != null) {
                return Found.not("not graded: " + problem);
            }
            root = into;
        } else if (!Files.isDirectory(submission)) {
            return Found.not("not graded: " + submission.getFileName() + " is neither a folder nor a .zip");
        }
        return findIn(root);
    }

    static Found findIn(Path root) throws IOException {
        List<Path> moduleSources = new ArrayList<>();
        List<Path> looseFolders = new ArrayList<>();
        walk(root, 0, moduleSources, looseFolders);
        // A copy of the kit: its lesson-starter is the learner's work; the solution and grader are not.
        List<Path> starters = moduleSources.stream().filter(p -> p.endsWith(Path.of("lesson-starter/src/main/java"))).toList();
        List<Path> candidates = new ArrayList<>(starters.isEmpty() ? moduleSources : starters);
        if (candidates.isEmpty() && !looseFolders.isEmpty()) {
            candidates.add(commonFolder(looseFolders));
        }
        if (candidates.isEmpty()) {
            return Found.not("not graded: no server sources (no .java files, no src/main/java, no copy of the kit)");
        }
        if (candidates.size() > 1) {
            return Found.not("not graded: " + candidates.size() + " candidate source sets: "
                    + String.join(", ", candidates.stream().map(p -> shown(root, p)).toList()) + "; leave one");
        }
        return Found.sources(candidates.get(0));
    }

    /** Collects src/main/java folders, and folders of .java files outside any of them. */
    private static void walk(Path dir, int depth, List<Path> moduleSources, List<Path> looseFolders) throws IOException {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (dir.endsWith(Path.of("src/main/java"))) {
            if (containsJava(dir)) {
                moduleSources.add(dir);
            }
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        boolean hasJava = false;
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (Files.isSymbolicLink(child)) {
                continue; // a link could lead out of the submission
            }
            if (Files.isDirectory(child)) {
                if (!SKIPPED.contains(name) && !(name.equals("test") && dir.getFileName().toString().equals("src"))) {
                    walk(child, depth + 1, moduleSources, looseFolders);
                }
            } else if (name.endsWith(".java")) {
                hasJava = true;
            }
        }
        if (hasJava) {
            looseFolders.add(dir);
        }
    }

    private static boolean containsJava(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.anyMatch(p -> p.toString().endsWith(".java"));
        }
    }

    /** The deepest folder that holds every folder of loose sources (they may sit in package folders). */
    private static Path commonFolder(List<Path> folders) {
        Path common = folders.get(0);
        for (Path folder : folders) {
            while (!folder.startsWith(common)) {
                common = common.getParent();
            }
        }
        return common;
    }

    /** Unpacks safely: no entry may leave the folder, and the whole may not grow past the limits. Null when it went well. */
    static String unzip(Path zip, Path into) throws IOException {
        Files.createDirectories(into);
        Path base = into.toAbsolutePath().normalize();
        long total = 0;
        int entries = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            byte[] buffer = new byte[64 * 1024];
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (++entries > MAX_ZIP_ENTRIES) {
                    return "the zip holds more than " + MAX_ZIP_ENTRIES + " files";
                }
                Path target = base.resolve(entry.getName()).normalize();
                if (!target.startsWith(base) || entry.getName().contains("..")) {
                    return "the zip has an entry that points outside it (" + entry.getName() + ")";
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (var out = Files.newOutputStream(target)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                        if (total > MAX_UNZIPPED_BYTES) {
                            return "the zip unpacks to more than " + MAX_UNZIPPED_BYTES / (1024 * 1024) + " MiB";
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            return "the zip cannot be read (" + e.getMessage() + ")";
        }
        return null;
    }

    private static String shown(Path root, Path p) {
        return root.relativize(p).toString().isEmpty() ? "." : root.relativize(p).toString();
    }

}
