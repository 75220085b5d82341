package dev.echokit.grader.compile;

import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.SourceText;
import dev.echokit.grader.intake.Tree;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import picocli.CommandLine;

/** Compiles a target's Java sources with the JDK's own compiler, the way Maven would, and finds its main class. */
public final class Compilation {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern MAIN = Pattern.compile("public\\s+static\\s+void\\s+main\\s*\\(\\s*(final\\s+)?String");

    private final Path classes;
    private final int fileCount;
    private final List<String> errors;
    private final Optional<String> mainClass;

    private final List<String> notes;

    private Compilation(Path classes, int fileCount, List<String> errors, Optional<String> mainClass, List<String> notes) {
        this.classes = classes;
        this.fileCount = fileCount;
        this.errors = errors;
        this.mainClass = mainClass;
        this.notes = notes;
    }

    /** No sources to compile: the intake's reason stands as the one error. */
    public static Compilation nothingToGrade(String why, Path classes) {
        return new Compilation(classes, 0, List.of(why), Optional.empty(), List.of());
    }

    /** Compiles every .java file under {@code sources}. */
    public static Compilation compile(Path sources, Path classes) throws IOException {
       return compile(sources, Intake.javaFiles(sources), classes);
    }

    /**
     * Compiles {@code files}, each read as {@link SourceText} (a byte-order mark dropped, a file that
     * is not UTF-8 read as windows-1252), so that an editor's choice of encoding never fails a
     * server; the learner is told which files were not UTF-8.
     */
    public static Compilation compile(Path sources, List<Path> files, Path classes) throws IOException {
        Tree.delete(classes);
        Files.createDirectories(classes);
        if (files.isEmpty()) {
            return new Compilation(classes, 0, List.of("no .java files under " + sources), Optional.empty(), List.of());
        }
        Map<Path, SourceText> texts = new LinkedHashMap<>();
        for (Path file : files) {
            texts.put(file, SourceText.read(file));
        }
        List<String> notes = new ArrayList<>();
        texts.values().stream().map(SourceText::charset).filter(c -> !c.equals(StandardCharsets.UTF_8)).distinct().forEach(charset ->
                notes.add(SourceText.note(texts.entrySet().stream().filter(e -> e.getValue().charset().equals(charset))
                        .map(e -> sources.relativize(e.getKey()).toString().replace('\\', '/')).toList(), charset)));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> errors = new ArrayList<>();
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-encoding", "UTF-8", "-proc:none", "-nowarn",
                    "-classpath", picocliJar().toString(), "-d", classes.toString());
            List<JavaFileObject> units = texts.entrySet().stream().<JavaFileObject>map(e -> new Decoded(e.getKey(), e.getValue().text())).toList();
            boolean ok = javac.getTask(new StringWriter(), fileManager, diagnostics, options, null, units).call();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    // The whole message, on one line: "cannot find symbol — symbol: variable count — location: ...".
                    String file = d.getSource() == null ? "?" : sources.relativize(Path.of(d.getSource().toUri())).toString();
                    errors.add(file + ":" + d.getLineNumber() + ": " + String.join(" — ",
                            d.getMessage(Locale.ROOT).lines().map(String::strip).filter(l -> !l.isEmpty()).toList()));
                }
            }
            if (!ok && errors.isEmpty()) {
                errors.add("the compiler failed without saying why");
            }
        }
        return new Compilation(classes, files.size(), errors, findMainClass(texts), List.copyOf(notes));
    }

    /** A source file as the compiler sees it: the decoded text, under the file's own name (so errors name it). */
    private static final class Decoded extends SimpleJavaFileObject {
        private final String text;

        Decoded(Path file, String text) {
            super(file.toUri(), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    private static Optional<String> findMainClass(Map<Path, SourceText> texts) {
        List<String> candidates = new ArrayList<>();
        String preferred = null;
        for (Map.Entry<Path, SourceText> entry : texts.entrySet()) {
            Path file = entry.getKey();
            String source = entry.getValue().text();
            if (!MAIN.matcher(source).find()) {
                continue;
            }
            Matcher pkg = PACKAGE.matcher(source);
            String simple = file.getFileName().toString().replaceFirst("\\.java$", "");
            String name = pkg.find() ? pkg.group(1) + "." + simple : simple;
            candidates.add(name);
            if (source.contains("@Command")) {
                preferred = name;
            }
        }
        return Optional.ofNullable(preferred != null ? preferred : candidates.isEmpty() ? null : candidates.get(0));
    }

    /** The picocli jar the grader itself runs with; graded servers compile and run against the same one. */
    static Path picocliJar() {
        try {
            return Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }


    /** Whether there were sources at all (false: the intake found nothing to grade). */
    public boolean hadSources() {
        return fileCount > 0;
    }

    public boolean succeeded() {
        return errors.isEmpty() && mainClass.isPresent();
    }

    public List<String> errors() {
        return errors;
    }

    public Optional<String> mainClass() {
        return mainClass;
    }

    public Path classes() {
        return classes;
    }

    public int fileCount() {
        return fileCount;
    }

    /** What the learner should know about how the files were read: "read X.java as windows-1252, ...". */
    public List<String> notes() {
        return notes;
    }
}
