package dev.echokit.grader.classroom;

import dev.echokit.grader.process.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Grades a class: every folder or zip in the class folder is one learner's submission
 * ({@link Submissions}). Each is graded in a pool ({@link SubmissionGrading}) into its own folder of
 * results, and gets its own row — graded, or "not graded" and why. The class's tables are written
 * from those folders ({@link ClassResults}), so regrading a few learners into an existing results
 * folder keeps the others.
 */
public final class Classroom {

    private Classroom() {
    }

    /** Grades every submission in the folder into {@code outDir} (the self-test's and the default use). */
    public static List<Graded> gradeAll(Path submissions, Path kitRoot, Path outDir, int parallel, PrintStream progress,
                                        Platform platform) throws IOException, InterruptedException {
        return grade(submissions, kitRoot, outDir, parallel, progress, platform, Set.of());
    }

    /**
     * Grades the submissions in {@code submissions} — all of them, or only those named in
     * {@code only} — writing each into its folder under {@code outDir}, then rewrites the tables
     * from every row there.
     */
    public static List<Graded> grade(Path submissions, Path kitRoot, Path outDir, int parallel, PrintStream progress,
                                     Platform platform, Set<String> only) throws IOException, InterruptedException {
        List<Path> entries = Submissions.in(submissions).stream().filter(p -> only.isEmpty() || only.contains(Submissions.nameOf(p))).toList();
        Files.createDirectories(outDir);
        ClassResults.closeToServers(outDir);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        Progress said = new Progress(progress, entries.size());
        try {
            List<Future<Graded>> futures = new ArrayList<>();
            for (Path entry : entries) {
                futures.add(pool.submit(() -> {
                    Graded graded = SubmissionGrading.gradeSafely(entry, kitRoot, outDir.resolve(Submissions.nameOf(entry)), platform);
                    said.graded(graded);
                    return graded;
                }));
            }
            List<Graded> results = new ArrayList<>();
            for (Future<Graded> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a submission's grading failed outside its own guard", e.getCause());
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Writes the class's tables from every row in {@code outDir}: see {@link ClassResults#writeTables(Path, Optional)}. */
    public static List<Row> writeTables(Path outDir, Optional<Path> roster) throws IOException {
        return ClassResults.writeTables(outDir, roster);
    }

    /** As above, saying in the Markdown table whether the servers ran contained on this platform. */
    public static List<Row> writeTables(Path outDir, Optional<Path> roster, Platform platform) throws IOException {
        return ClassResults.writeTables(outDir, roster, platform);
    }
}
