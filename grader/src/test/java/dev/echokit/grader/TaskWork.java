package dev.echokit.grader;

import dev.echokit.grader.cli.CompareCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lesson's work, task by task, read from the real starter and solution: the runs of lines where
 * they differ (as lesson-solution's StarterDriftTest finds them), each belonging to the task whose
 * {@code TODO(task N)} marker stands in its starter side, or closest above it. From these the
 * self-test builds servers with some tasks' work done and the others' not, so that they follow the
 * code whenever it changes: a run that belongs to no single task fails loudly.
 */
final class TaskWork {

    private static final Pattern MARKER = Pattern.compile("TODO\\(task (\\d)\\)");
    /** As in StarterDriftTest: a marker this many lines above a run still names it. */
    private static final int MARKER_REACH = 3;
    /** A field declaration: {@code private int clients;}. */
    private static final Pattern FIELD = Pattern.compile("^\\s*(?:(?:private|protected|public|static|final)\\s+)*[\\w<>\\[\\]]+\\s+(\\w+)\\s*;\\s*$");

    /** One run of differing lines; {@code task} 0 for a run of import lines (the solution's are always taken). */
    record Hunk(int task, int starterFrom, int starterTo, int solutionFrom, int solutionTo) {
    }

    record FileWork(Path file, List<String> starter, List<String> solution, List<Hunk> hunks) {
    }

    private final List<FileWork> files;

    private TaskWork(List<FileWork> files) {
        this.files = files;
    }

    static TaskWork read(Path starterSources, Path solutionSources) throws IOException {
        List<FileWork> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(solutionSources)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".java")).map(solutionSources::relativize).sorted().toList()) {
                List<String> starter = Files.readAllLines(starterSources.resolve(file.toString()));
                List<String> solution = Files.readAllLines(solutionSources.resolve(file));
                files.add(new FileWork(file, starter, solution, hunks(file, starter, solution)));
            }
        }
        return new TaskWork(files);
    }

    /** The tasks that have work in some file. */
    Set<Integer> tasks() {
        Set<Integer> tasks = new TreeSet<>();
        files.forEach(f -> f.hunks().stream().filter(h -> h.task() > 0).forEach(h -> tasks.add(h.task())));
        return tasks;
    }

    /**
     * Writes into {@code dir}/src/main/java the sources with the work of the tasks in {@code done}
     * (the solution's lines) and not of the others (the starter's lines, markers and all). A field
     * whose declaration is a task's whole run stays declared when work that is done uses it: the
     * count without its comparison is still a count, and without it that work would not compile.
     */
    Path write(Set<Integer> done, Path dir) throws IOException {
        Catalogue.deleteRecursively(dir);
        for (FileWork file : files) {
            List<String> kept = new ArrayList<>();
            for (Hunk h : file.hunks()) {
                if (h.task() == 0 || done.contains(h.task())) {
                    kept.addAll(file.solution().subList(h.solutionFrom(), h.solutionTo()));
                }
            }
            List<String> out = new ArrayList<>();
            int i = 0;
            int j = 0;
            for (Hunk h : file.hunks()) {
                while (i < h.starterFrom()) {
                    out.add(file.starter().get(i++));
                    j++;
                }
                List<String> solutionSide = file.solution().subList(h.solutionFrom(), h.solutionTo());
                boolean take = h.task() == 0 || done.contains(h.task()) || declaresWhatIsUsed(solutionSide, kept);
                out.addAll(take ? solutionSide : file.starter().subList(h.starterFrom(), h.starterTo()));
                i = h.starterTo();
                j = h.solutionTo();
            }
            while (i < file.starter().size()) {
                out.add(file.starter().get(i++));
            }
            Path target = dir.resolve("src/main/java").resolve(file.file().toString());
            Files.createDirectories(target.getParent());
            Files.write(target, out);
        }
        return dir;
    }

    private static boolean declaresWhatIsUsed(List<String> lines, List<String> kept) {
        List<String> code = lines.stream().filter(l -> !l.isBlank() && !l.strip().startsWith("//")).toList();
        if (code.size() != 1) {
            return false;
        }
        Matcher field = FIELD.matcher(code.get(0));
        if (!field.matches()) {
            return false;
        }
        Pattern use = Pattern.compile("\\b" + field.group(1) + "\\b");
        return kept.stream().anyMatch(l -> use.matcher(l).find());
    }

    /** The runs where the two files differ, each with its task: the grader's own diff walk, grouped into runs. */
    private static List<Hunk> hunks(Path file, List<String> a, List<String> b) {
        List<CompareCommand.Step> steps = CompareCommand.align(a, b, String::equals);
        List<Hunk> hunks = new ArrayList<>();
        for (int k = 0; k < steps.size(); ) {
            if (steps.get(k).side() == CompareCommand.Side.BOTH) {
                k++;
                continue;
            }
            int fromI = steps.get(k).mine();
            int fromJ = steps.get(k).theirs();
            int i = fromI;
            int j = fromJ;
            boolean onlyImports = true;
            for (; k < steps.size() && steps.get(k).side() != CompareCommand.Side.BOTH; k++) {
                CompareCommand.Step step = steps.get(k);
                if (step.side() == CompareCommand.Side.MINE) {
                    onlyImports &= a.get(step.mine()).startsWith("import ");
                    i = step.mine() + 1;
                } else {
                    onlyImports &= b.get(step.theirs()).startsWith("import ");
                    j = step.theirs() + 1;
                }
            }
            hunks.add(new Hunk(onlyImports ? 0 : taskOf(file, a, fromI, i), fromI, i, fromJ, j));
        }
        return hunks;
    }

    /** The one task whose marker stands in the starter's side of the run, or else the closest above it. */
    private static int taskOf(Path file, List<String> starter, int from, int to) {
        Set<Integer> inside = new TreeSet<>();
        for (int k = from; k < to; k++) {
            Matcher m = MARKER.matcher(starter.get(k));
            while (m.find()) {
                inside.add(Integer.parseInt(m.group(1)));
            }
        }
        if (inside.size() == 1) {
            return inside.iterator().next();
        }
        if (inside.isEmpty()) {
            for (int k = from - 1; k >= Math.max(0, from - MARKER_REACH); k--) {
                Matcher m = MARKER.matcher(starter.get(k));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new IllegalStateException(file + ": starter lines " + (from + 1) + "-" + to + " differ from the solution at "
                + (inside.isEmpty() ? "no TODO(task N) marker" : "markers of tasks " + inside) + ": the self-test cannot tell"
                + " whose work they are. Give each run of the lesson's work one marker (see StarterDriftTest).");
    }
}
