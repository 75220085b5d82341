package dev.echokit.grader.intake;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the one set of server sources a submission holds, the same way for every mode (one
 * target, a class, Gradescope): a folder or an archive ({@code .zip}, {@code .tar},
 * {@code .tar.gz}, {@code .tgz}), possibly wrapped in folders or left as the one file in a folder,
 * holding a copy of the kit (its {@code lesson-starter} is graded), a module folder,
 * {@code src/main/java}, the contents of {@code src} ({@code main/java} beside {@code test/java}),
 * or loose {@code .java} files. Only the server's own sources are graded: tests are left out, and
 * the learner is told so. Anything that cannot be graded says why, in words.
 */
public final class Intake {

    private static final int MAX_DEPTH = 40;
    /** Archives inside archives: a zip in a folder in a zip is still found, but not forever. */
    private static final int MAX_NESTING = 3;
    /** Folders a submission's sources are never in: build output, editors' and tools' folders. */
    private static final Set<String> SKIPPED = Set.of("target", "node_modules", "__MACOSX", "build", "out");
    /** Within a source set only build output and a Mac's metadata are left out: a package may be called "out". */
    private static final Set<String> NEVER_SOURCES = Set.of("target", "node_modules", "__MACOSX");
    /** Imports that only tests make: such a file is a test, whatever its name. */
    private static final Pattern TEST_IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?(org\\.junit|junit\\.|org\\.assertj|org\\.testng|org\\.mockito|org\\.hamcrest)",
            Pattern.MULTILINE);

    private Intake() {
    }

    /**
     * What a submission holds: the sources to grade, or why there are none to grade.
     *
     * @param sources   the folder the server's sources are under (null: nothing to grade)
     * @param reason    why there is nothing to grade (null when graded); {@link NotGraded} words it
     * @param files     the server's own .java files under it, tests left out
     * @param notes     what the learner should know about how the sources were read: which set was
     *                  graded when there were others, test files left out
     */
    public record Found(Path sources, String reason, List<Path> files, List<String> notes) {
        public boolean graded() {
            return sources != null;
        }

        /** Why the submission is not graded (null when it is). */
        public NotGraded notGraded() {
            return reason == null ? null : NotGraded.because(reason);
        }

        static Found sources(Path sources, List<Path> files, List<String> notes) {
            return new Found(sources, null, List.copyOf(files), List.copyOf(notes));
        }

        public static Found not(String why) {
            return new Found(null, why, List.of(), List.of());
        }

        Found withNotes(List<String> earlier) {
            List<String> all = new ArrayList<>(earlier);
            notes.stream().filter(n -> !all.contains(n)).forEach(all::add);
            return new Found(sources, reason, files, all);
        }
    }

    /** Looks into a folder or an archive; an archive is unpacked under {@code scratch} first. */
    public static Found find(Path submission, Path scratch) throws IOException {
        if (Files.isRegularFile(submission)) {
            return findInArchive(submission, scratch, 0, List.of());
        }
        if (!Files.isDirectory(submission)) {
            return Found.not("" + submission.getFileName() + " is neither a folder nor an archive");
        }
        return findIn(submission, scratch, 0);
    }

    private static Found findInArchive(Path archive, Path scratch, int nesting, List<String> notes) throws IOException {
        String name = archive.getFileName().toString();
        Optional<String> unreadable = Archives.unreadable(archive);
        if (unreadable.isPresent()) {
            return Found.not("" + name + " is " + unreadable.get() + ", which the grader cannot open;"
                    + " hand in a .zip instead (a .tar.gz works too)");
        }
        if (Archives.format(archive).isEmpty()) {
            return Found.not("" + name + " is neither a folder nor an archive (.zip, .tar, .tar.gz, .tgz)");
        }
        if (nesting >= MAX_NESTING) {
            return Found.not("archives inside archives, " + MAX_NESTING + " deep; hand in one .zip of your sources");
        }
        Path into = scratch.resolve(nesting == 0 ? "unpacked" : "unpacked-" + nesting);
        Tree.delete(into);
        String problem = Archives.unpack(archive, into);
        if (problem != null) {
            return Found.not("" + name + ": " + problem);
        }
        return findIn(into, scratch, nesting + 1).withNotes(notes);
    }

    static Found findIn(Path root, Path scratch, int nesting) throws IOException {
        Walk walk = new Walk();
        walk.walk(root, 0);
        // A copy of the kit: its lesson-starter is the learner's work; the solution and grader are not.
        List<Path> starters = walk.moduleSources.stream().filter(p -> p.endsWith(Path.of("lesson-starter/src/main/java"))).toList();
        List<Path> candidates = new ArrayList<>(starters.isEmpty() ? walk.moduleSources : starters);
        List<String> notes = new ArrayList<>();
        if (candidates.isEmpty() && !walk.looseFolders.isEmpty()) {
            candidates.add(commonFolder(walk.looseFolders));
        } else if (starters.isEmpty() && candidates.size() == 1) {
            List<String> others = walk.looseFolders.stream().filter(f -> !f.startsWith(candidates.get(0))).map(f -> shown(root, f)).toList();
            if (!others.isEmpty()) {
                notes.add("graded the sources in " + shown(root, candidates.get(0)) + "; the .java files in "
                        + String.join(", ", others) + " were not graded");
            }
        }
        if (candidates.isEmpty()) {
            if (walk.archives.size() == 1) {
                return findInArchive(walk.archives.get(0), scratch, nesting, List.of());
            }
            if (walk.archives.size() > 1) {
                return Found.not("no sources, but " + walk.archives.size() + " archives ("
                        + String.join(", ", walk.archives.stream().map(p -> shown(root, p)).toList()) + "); leave one");
            }
            return Found.not("no server sources (no .java files, no src/main/java, no copy of the kit)");
        }
        if (candidates.size() > 1) {
            return Found.not("" + candidates.size() + " candidate source sets: "
                    + String.join(", ", candidates.stream().map(p -> shown(root, p)).toList()) + "; leave one");
        }
        Path sources = candidates.get(0);
        List<Path> files = new ArrayList<>();
        List<String> tests = new ArrayList<>();
        for (Path file : javaFiles(sources)) {
            if (isTest(sources.relativize(file), file)) {
                tests.add(shown(sources, file));
            } else {
                files.add(file);
            }
        }
        // Tests in their usual place (src/test beside src/main, or test/ beside main/) are left out without a word:
        // every learner's kit has them, and nothing about them is ambiguous.
        if (!tests.isEmpty()) {
            notes.add("left out " + (tests.size() == 1 ? "a test file, " + tests.get(0) : tests.size() + " test files ("
                    + String.join(", ", tests) + ")") + ": the grader compiles only the server");
        }
        if (files.isEmpty()) {
            return Found.not("only tests, no server sources (" + String.join(", ", tests) + ")");
        }
        return Found.sources(sources, files, notes);
    }

    /** Every .java file under the folder, as the compiler would take them, with build output and editor folders left out. */
    public static List<Path> javaFiles(Path sources) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(sources)) {
            return files;
        }
        Files.walkFileTree(sources, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName().toString();
                return !dir.equals(sources) && (NEVER_SOURCES.contains(name) || name.startsWith(".")) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                if (attrs.isRegularFile() && name.endsWith(".java") && !name.startsWith("._")) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    /** A test: in a test/java tree, or importing a test library (JUnit, AssertJ, ...), which no server does. */
    private static boolean isTest(Path relative, Path file) throws IOException {
        String path = relative.toString().replace('\\', '/');
        return ("/" + path).contains("/test/java/") || TEST_IMPORT.matcher(SourceText.read(file).text()).find();
    }

    private static boolean skipped(String name) {
        return SKIPPED.contains(name) || name.startsWith(".");
    }

    /** What one walk over a submission finds. */
    private static final class Walk {
        final List<Path> moduleSources = new ArrayList<>();
        final List<Path> looseFolders = new ArrayList<>();
        final List<Path> archives = new ArrayList<>();

        /** Collects main/java folders, folders of .java files outside any of them, test folders and archives. */
        void walk(Path dir, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                return;
            }
            if (dir.endsWith(Path.of("main/java"))) {
                if (hasJava(dir)) {
                    moduleSources.add(dir);
                }
                return;
            }
            List<Path> children;
            try (Stream<Path> list = Files.list(dir)) {
                children = list.sorted().toList();
            }
            boolean hasMain = children.stream().anyMatch(c -> c.getFileName().toString().equals("main") && Files.isDirectory(c));
            boolean hasJava = false;
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (Files.isSymbolicLink(child) || name.startsWith("._")) {
                    continue; // a link could lead out of the submission; ._X files are a Mac's metadata
                }
                if (Files.isDirectory(child)) {
                    if ((name.equals("test") || name.equals("tests")) && (hasMain || dir.getFileName() != null
                            && dir.getFileName().toString().equals("src"))) {
                        continue; // tests beside the server's sources: never graded
                    } else if (!skipped(name)) {
                        walk(child, depth + 1);
                    }
                } else if (name.endsWith(".java")) {
                    hasJava = true;
                } else if (Files.isRegularFile(child) && Archives.isArchive(child)) {
                    archives.add(child);
                }
            }
            if (hasJava) {
                looseFolders.add(dir);
            }
        }
    }

    private static boolean hasJava(Path dir) {
        try {
            return !javaFiles(dir).isEmpty();
        } catch (IOException e) {
            return false;
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

    private static String shown(Path root, Path p) {
        return root.relativize(p).toString().isEmpty() ? "." : root.relativize(p).toString().replace('\\', '/');
    }

}
