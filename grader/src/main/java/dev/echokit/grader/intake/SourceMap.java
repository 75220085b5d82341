package dev.echokit.grader.intake;

import dev.echokit.grader.lesson.Anchor;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where each part of the lesson lives in the graded source, found the way a reader would: by the
 * option, the methods and the log words the starter gives each task (each part's anchors in its
 * {@link Lesson}), then by its
 * {@code TODO(task N)} markers. Still points somewhere real after the learner has replaced the
 * markers with code, or renamed a method.
 */
public final class SourceMap {

    private static final Pattern TODO = Pattern.compile("TODO\\(task (\\d+)\\)");
    private static final int MOST = 4;
    private static final Pattern ACCEPT_CALL = Pattern.compile("\\.accept\\s*\\(\\s*\\)");
    private static final Pattern SELECT_CALL = Pattern.compile("\\.select(?:Now)?\\s*\\(");

    private final Path sources;
    private final Path shownFrom;
    private final List<SourceLine> lines = new ArrayList<>();

    private record SourceLine(Path file, int number, String text) {
    }

    private SourceMap(Path sources, Path shownFrom) {
        this.sources = sources;
        this.shownFrom = shownFrom;
    }

    /** Reads every .java file under {@code sources}; paths are shown relative to {@code shownFrom} when inside it. */
    public static SourceMap read(Path sources, Path shownFrom) throws IOException {
        SourceMap map = new SourceMap(sources, shownFrom);
        if (!Files.isDirectory(sources)) {
            return map;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> text = SourceText.read(file).lines();
                for (int i = 0; i < text.size(); i++) {
                    map.lines.add(new SourceLine(file, i + 1, text.get(i)));
                }
            }
        }
        return map;
    }

    /** file:line places for the part, each with its code; never empty while there is any source. */
    public List<String> whereToLook(Part part) {
        Set<String> found = new LinkedHashSet<>();
        // Repeated code first, the most telling: the lines inside this part's own methods before the others.
        for (Anchor repeat : part.repeats()) {
            List<SourceLine> matched = lines.stream().filter(l -> !isComment(l.text()) && repeat.pattern().matcher(l.text()).find()).toList();
            if (matched.size() > 1) {
                Set<SourceLine> own = ownMethodsLines(part);
                java.util.stream.Stream.concat(matched.stream().filter(own::contains), matched.stream().filter(l -> !own.contains(l)))
                        .limit(2).forEach(l -> found.add(show(l)));
            }
        }
        for (Anchor anchor : part.anchors()) {
            lines.stream().filter(l -> !isComment(l.text()) && anchor.pattern().matcher(l.text()).find())
                    .limit(2).forEach(l -> found.add(show(l)));
        }
        List<String> places = new ArrayList<>(found.stream().limit(part.isTask() ? MOST - 1 : MOST).toList());
        if (part.isTask()) {
            lines.stream().filter(l -> isMarker(l.text(), part.task())).limit(MOST - places.size() + 1)
                    .map(this::show).filter(s -> !places.contains(s)).forEach(places::add);
        }
        if (places.isEmpty() && !lines.isEmpty()) {
            // Not a helper or the command class: the file whose loop accepts clients, where every part begins.
            Path loop = lines.stream().filter(l -> !isComment(l.text()) && ACCEPT_CALL.matcher(l.text()).find()).findFirst()
                    .or(() -> lines.stream().filter(l -> !isComment(l.text()) && SELECT_CALL.matcher(l.text()).find()).findFirst())
                    .orElse(lines.get(0)).file();
            places.add(shown(loop) + " (no method or marker of this part found; start from this file's accept loop)");
        }
        return places.stream().limit(MOST).toList();
    }

    /**
     * The first of {@code parts} (in their order) whose own methods, as its declaration anchors find
     * them, hold the given line of a class's file: the part whose code that is. Empty when no part's
     * method holds it (the selector loop, a helper), or the line is in no graded file.
     */
    public Optional<Part> owner(String className, String fileName, int number, List<Part> parts) {
        return lineOf(className, fileName, number).flatMap(at -> parts.stream().filter(p -> ownMethodsLines(p).contains(at)).findFirst());
    }

    /** A line of the file of that class's package with that name, as a stack frame or a violation names it. */
    private Optional<SourceLine> lineOf(String className, String fileName, int number) {
        int dot = className.lastIndexOf('.');
        Path file = sources.resolve((dot < 0 ? "" : className.substring(0, dot).replace('.', '/') + "/") + fileName).normalize();
        return lines.stream().filter(l -> l.file().normalize().equals(file) && l.number() == number).findFirst();
    }

    /** The lines of the bodies of the methods this part's declaration anchors find, by counting braces from each declaration. */
    private Set<SourceLine> ownMethodsLines(Part part) {
        Set<SourceLine> inside = new java.util.HashSet<>();
        for (Anchor anchor : part.anchors()) {
            if (!anchor.declaration()) {
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (isComment(lines.get(i).text()) || !anchor.pattern().matcher(lines.get(i).text()).find()) {
                    continue;
                }
                int depth = 0;
                boolean opened = false;
                for (int j = i; j < lines.size() && lines.get(j).file().equals(lines.get(i).file()); j++) {
                    for (char c : lines.get(j).text().toCharArray()) {
                        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                        opened |= c == '{';
                    }
                    inside.add(lines.get(j));
                    if (opened && depth <= 0) {
                        break;
                    }
                }
            }
        }
        return inside;
    }

    /**
     * A stack frame's place in the graded source, with its code ({@code EchoServer.java:92  the line}):
     * the file of that class's package with that name, as a failure shows it. Empty when it is not one of these files.
     */
    public Optional<String> place(String className, String fileName, int number) {
        return lineOf(className, fileName, number).map(this::show);
    }

    /** A line of a file given relative to the sources (as the compiler names it), shown with its code. */
    public java.util.Optional<String> placeOfFile(String relative, int number) {
        Path file = sources.resolve(relative).normalize();
        return lines.stream().filter(l -> l.file().normalize().equals(file) && l.number() == number).findFirst().map(this::show);
    }

    private static boolean isMarker(String text, int task) {
        Matcher m = TODO.matcher(text);
        return m.find() && Integer.parseInt(m.group(1)) == task;
    }

    private static boolean isComment(String text) {
        String t = text.strip();
        return t.startsWith("//") || t.startsWith("*") || t.startsWith("/*");
    }

    private String show(SourceLine line) {
        String code = line.text().strip();
        if (code.length() > 90) {
            code = code.substring(0, 87) + "...";
        }
        return shown(line.file()) + ":" + line.number() + "  " + code;
    }

    private String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (absolute.startsWith(shownFrom)) {
            return shownFrom.relativize(absolute).toString();
        }
        // Outside the kit (a class folder, an unpacked zip): as the learner knows their own files, from the
        // folder that holds src/main/java, or from the sources' own folder.
        Path root = sources.toAbsolutePath().normalize();
        if (root.endsWith(Path.of("src", "main", "java")) && root.getNameCount() > 3) {
            root = root.getParent().getParent().getParent();
        }
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }
}
