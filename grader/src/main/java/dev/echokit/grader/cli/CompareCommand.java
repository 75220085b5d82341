package dev.echokit.grader.cli;

import dev.echokit.grader.intake.GraderError;
import dev.echokit.grader.intake.Intake;
import dev.echokit.grader.intake.SourceText;
import dev.echokit.grader.intake.Tree;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shows a submission next to the reference solution: the same intake as grading finds its
 * sources, then each file's differing lines with their numbers on both sides, and within a changed
 * line the words that changed, as [-learner's-]{+solution's+}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Shows where a submission's server differs from the reference solution, word by word.")
public final class CompareCommand implements Callable<Integer> {

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
            Tree.delete(scratch); // the unpacked copy of an archive lives here
        }
    }

    private int compare(Path kitRoot, Path scratch) throws IOException {
        Intake.Found found = Intake.find(submission.toAbsolutePath(), scratch);
        if (!found.graded()) {
            System.out.println("nothing to compare: " + found.reason());
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


    /**
     * The differing lines of two files, from the longest common subsequence of their lines: "-"
     * only the learner's, "+" only the solution's, "~" a line changed in place, shown word by word.
     * Each line starts with the learner's and the solution's line numbers, and wraps at the width.
     */
    static List<String> diff(List<String> a, List<String> b, int width) {
        List<String[]> ops = new ArrayList<>(); // {kind, learner line number, solution line number, text}
        for (Step step : align(a, b, (x, y) -> x.strip().equals(y.strip()))) {
            String mine = Integer.toString(step.mine() + 1);
            String theirs = Integer.toString(step.theirs() + 1);
            switch (step.side()) {
                case BOTH -> ops.add(new String[] {" ", mine, theirs, a.get(step.mine())});
                case MINE -> ops.add(new String[] {"-", mine, "", a.get(step.mine())});
                case THEIRS -> ops.add(new String[] {"+", "", theirs, b.get(step.theirs())});
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
        List<String> out = new ArrayList<>();
        for (Step step : align(List.of(a), List.of(b), String::equals)) {
            switch (step.side()) {
                case BOTH -> out.add(a[step.mine()]);
                case MINE -> out.add("[-" + a[step.mine()] + "-]");
                case THEIRS -> out.add("{+" + b[step.theirs()] + "+}");
            }
        }
        return indent + String.join(" ", out).replace("-] [-", " ").replace("+} {+", " ");
    }

    /** Where a step of a diff comes from: both sides, only the learner's, or only the solution's. */
    public enum Side { BOTH, MINE, THEIRS }

    /** One step: its side, and its index in the learner's and the solution's sequence (the one it has). */
    public record Step(Side side, int mine, int theirs) {
    }

    /**
     * The two sequences walked along their longest common subsequence: every element once, in order,
     * the learner's before the solution's where they differ. Lines and words are diffed by this one walk.
     */
    public static <T> List<Step> align(List<T> a, List<T> b, java.util.function.BiPredicate<T, T> same) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = same.test(a.get(i), b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && same.test(a.get(i), b.get(j))) {
                steps.add(new Step(Side.BOTH, i++, j++));
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                steps.add(new Step(Side.MINE, i++, j));
            } else {
                steps.add(new Step(Side.THEIRS, i, j++));
            }
        }
        return steps;
    }
}
