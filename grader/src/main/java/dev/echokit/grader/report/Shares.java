package dev.echokit.grader.report;

import dev.echokit.grader.Part;
import dev.echokit.grader.Status;

/** What one check is worth on a platform that scores check by check: its equal share of its task's XP. */
final class Shares {

    private Shares() {
    }

    /** The check's share of its task's XP among the checks that ran (0 for echo, architecture, stretch). */
    static double maxScore(Verdict verdict, CheckResult check) {
        if (check.part().xp() == 0) {
            return 0;
        }
        long ran = verdict.in(check.part()).stream().filter(c -> !c.is(Status.NOT_RUN) && !c.is(Status.NOT_APPLICABLE)).count();
        long counted = ran == 0 ? verdict.in(check.part()).size() : ran;
        return round((double) check.part().xp() / counted);
    }

    static double score(Verdict verdict, CheckResult check) {
        return check.is(Status.PASSED) ? maxScore(verdict, check) : 0;
    }

    /** "3.2": the task number, then the check's place within its part (echo is 0, architecture 6, stretch 7). */
    static String number(Verdict verdict, CheckResult check) {
        int index = verdict.in(check.part()).indexOf(check) + 1;
        return check.part().ordinal() + "." + index;
    }

    /** What a platform shows for a check that did not pass: the grader's whole feedback, or why it did not run. */
    static String message(CheckResult check) {
        return check.is(Status.PASSED) ? "" : check.message();
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static String label(Part part) {
        return part.isTask() ? "Task " + part.task() : part == Part.ECHO ? "Echo" : part == Part.ARCHITECTURE ? "Architecture" : "Stretch";
    }
}
