package dev.echokit.grader.classroom;

import dev.echokit.grader.checks.ConnectionLimits;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** A line per graded submission while a class grades: how far, its score or why not, and about how long is left. */
final class Progress {

    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void graded(Graded graded) {
        int n = done.incrementAndGet();
        long elapsed = (System.nanoTime() - start) / 1_000_000_000;
        long left = n == total ? 0 : elapsed * (total - n) / n;
        out.printf(Locale.ROOT, "  [%d/%d] %-28s %s   (%d s so far%s)%n", n, total, graded.row().submission(),
                graded.row().graded() ? graded.row().score() + "/" + ConnectionLimits.LESSON.maxXp() : graded.row().notGraded().words(),
                elapsed, left == 0 ? "" : ", about " + minutes(left) + " left");
    }

    private static String minutes(long seconds) {
        return seconds < 90 ? seconds + " s" : (seconds + 30) / 60 + " min";
    }
}
