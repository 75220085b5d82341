package dev.echokit.grader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Shows a submission next to the reference solution: the same intake as grading finds its
 * sources, then each file's differing lines with their numbers on both sides, and within a changed
 * line the words that changed, as [-learner's-]{+solution's+}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Shows where a submission's server differs from the reference solution, word by word.")
final class CompareCommand implements Callable<Integer> {

    private static final int CONTEXT = 1;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "A submission: a folder or zip, as for grading.")
    private Path submission;

    @Mixin
    private KitOptions kit;

    @Option(names = "--width", defaultValue = "100", paramLabel = "N", description = "Columns to fit. Default: ${DEFAULT-VALUE}.")
    private int width;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(submission)) {
            throw new ParameterException(spec.commandLine(), "Invalid value '" + submission + "' for parameter 'PATH': no such file or folder.");
        }
        Path kitRoot = kit.kitRoot();
        Path scratch = Files.createTempDirectory("echokit-compare-");
        try {
            return compare(kitRoot, scratch);
        } catch (IOException | RuntimeException e) {
            System.out.println("nothing to compare: " + GraderError.describe(e));
            return 1;
        } finally {
            deleteQuietly(scratch); // the unpacked copy of an archive lives here
        }
    }

    private int compare(Path kitRoot, Path scratch) throws IOException {
        Intake.Found found = Intake.find(submission.toAbsolutePath(), scratch);
        if (!found.graded()) {
            System.out.println(found.notGraded().replaceFirst("^not graded", "nothing to compare"));
            return 1;
        }
        Path solution = kitRoot.resolve("lesson-solution/src/main/java");
        PrintStream out = System.out;
        out.println("learner:  " + (found.sources().startsWith(scratch) ? submission + " (unpacked)" : found.sources()));
        out.println("solution: " + solution);
        found.notes().forEach(note -> out.println("note: " + note));
        List<String> encodings = new ArrayList<>();
        boolean same = true;
        TreeSet<String> files = new TreeSet<>();
        found.files().forEach(f -> files.add(relative(found.sources(), f)));
        Intake.javaFiles(solution).forEach(f -> files.add(relative(solution, f)));
        for (String file : files) {
            Path mine = found.sources().resolve(file);
            Path theirs = solution.resolve(file);
            out.println();
            out.println("=== " + file);
            if (!found.files().contains(mine) || !Files.exists(theirs)) {
                out.println("    only in the " + (found.files().contains(mine) ? "submission" : "solution"));
                same = false;
                continue;
            }
            SourceText learner = SourceText.read(mine);
            if (learner.notUtf8()) {
                encodings.add(SourceText.note(List.of(file), learner.charset()));
            }
            List<String> diff = diff(learner.lines(), SourceText.read(theirs).lines(), width);
            if (diff.isEmpty()) {
                out.println("    same as the solution");
            } else {
                diff.forEach(out::println);
                same = false;
            }
        }
        encodings.forEach(note -> out.println("note: " + note));
        return same ? 0 : 1;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // nothing more can be done: the system's temp folder is cleaned in time
        }
    }

    /**
     * The differing lines of two files, from the longest common subsequence of their lines: "-"
     * only the learner's, "+" only the solution's, "~" a line changed in place, shown word by word.
     * Each line starts with the learner's and the solution's line numbers, and wraps at the width.
     */
    static List<String> diff(List<String> a, List<String> b, int width) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).strip().equals(b.get(j).strip()) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String[]> ops = new ArrayList<>(); // {kind, learner line number, solution line number, text}
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).strip().equals(b.get(j).strip())) {
                ops.add(new String[] {" ", Integer.toString(i + 1), Integer.toString(j + 1), a.get(i)});
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new String[] {"-", Integer.toString(i + 1), "", a.get(i++)});
            } else {
                ops.add(new String[] {"+", "", Integer.toString(j + 1), b.get(j++)});
            }
        }
        pairChangedLines(ops);
        List<String> out = new ArrayList<>();
        int lastShown = -1;
        for (int k = 0; k < ops.size(); k++) {
            if (!near(ops, k)) {
                continue;
            }
            if (lastShown >= 0 && k > lastShown + 1) {
                out.add("    ...");
            }
            String[] op = ops.get(k);
            String prefix = String.format("%s %4s %4s | ", op[0], op[1], op[2]);
            String text = op[3].stripTrailing();
            int room = Math.max(20, width - prefix.length());
            out.add(prefix + text.substring(0, Math.min(room, text.length())));
            for (int at = room; at < text.length(); at += room) { // wrap, never cut: the changed words may be at the end
                out.add(" ".repeat(prefix.length() - 2) + "| " + text.substring(at, Math.min(at + room, text.length())));
            }
            lastShown = k;
        }
        return out;
    }

    /** A "-" followed by a "+" is one line changed in place: shown once, with the changed words marked. */
    private static void pairChangedLines(List<String[]> ops) {
        for (int k = 0; k + 1 < ops.size(); k++) {
            String[] removed = ops.get(k);
            String[] added = ops.get(k + 1);
            if (removed[0].equals("-") && added[0].equals("+")) {
                ops.set(k, new String[] {"~", removed[1], added[2], words(removed[3], added[3])});
                ops.remove(k + 1);
            }
        }
    }

    private static boolean near(List<String[]> ops, int k) {
        for (int d = -CONTEXT; d <= CONTEXT; d++) {
            int at = k + d;
            if (at >= 0 && at < ops.size() && !ops.get(at)[0].equals(" ")) {
                return true;
            }
        }
        return false;
    }

    /** The line with the words only the learner has as [-…-] and those only the solution has as {+…+}. */
    static String words(String mine, String theirs) {
        String indent = mine.substring(0, mine.length() - mine.stripLeading().length());
        String[] a = mine.strip().split("\\s+");
        String[] b = theirs.strip().split("\\s+");
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add(a[i++]);
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("[-" + a[i++] + "-]");
            } else {
                out.add("{+" + b[j++] + "+}");
            }
        }
        return indent + String.join(" ", out).replace("-] [-", " ").replace("+} {+", " ");
    }
}
