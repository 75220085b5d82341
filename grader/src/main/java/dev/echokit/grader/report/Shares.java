package dev.echokit.grader.report;

import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import java.util.List;

/** What one check is worth on a platform that scores check by check: its whole share of its task's XP. */
final class Shares {

    private Shares() {
    }

    /**
     * The checks a part's XP are shared over, in lesson order: those that ran (judged, or waiting
     * for another task); all of them when none ran, so a run that stopped at a compile error still
     * shows what each check is worth.
     */
    static List<CheckResult> counted(Part part, List<CheckResult> checks) {
        List<CheckResult> ran = checks.stream().filter(c -> c.part().equals(part) && !c.is(Status.NOT_RUN) && !c.is(Status.NOT_APPLICABLE)).toList();
        return ran.isEmpty() ? checks.stream().filter(c -> c.part().equals(part) && !c.is(Status.NOT_APPLICABLE)).toList() : ran;
    }

    /** The check's whole share of its task's XP (0 for echo, architecture, stretch, and a check left out of this run). */
    static int maxScore(Verdict verdict, CheckResult check) {
        if (check.part().xp() == 0) {
            return 0;
        }
        List<CheckResult> counted = counted(check.part(), verdict.in(check.part()));
        int index = counted.indexOf(check);
        return index < 0 ? 0 : check.part().shares(counted.size())[index];
    }

    /** A passed check earns its share, unless its task pays for a broken architecture rule. */
    static int score(Verdict verdict, CheckResult check) {
        return earns(verdict, check) ? maxScore(verdict, check) : 0;
    }

    static boolean earns(Verdict verdict, CheckResult check) {
        return check.is(Status.PASSED) && verdict.chargedTask().filter(check.part()::equals).isEmpty();
    }

    /** A check that did not judge its own task says so in its name: "… (not judged: needs task 1)". */
    static String name(CheckResult check) {
        String name = label(check.part()) + ": " + check.name();
        return check.is(Status.NEEDS_TASK) ? name + " (not judged: needs " + check.needs().shortName() + ")" : name;
    }

    /**
     * "3.2": the part's place in the lesson, then the check's place within its part (echo is 0, the
     * tasks their numbers, then architecture and stretch).
     */
    static String number(Verdict verdict, CheckResult check) {
        int index = verdict.in(check.part()).indexOf(check) + 1;
        return verdict.lesson().parts().indexOf(check.part()) + "." + index;
    }

    /** What a platform shows for a check that did not pass: the grader's whole feedback, or why it did not run. */
    static String message(Verdict verdict, CheckResult check) {
        if (check.is(Status.PASSED) && !earns(verdict, check)) {
            return "Passed, but earns nothing: " + check.part().shortName() + " pays for a broken architecture rule ("
                    + verdict.in(verdict.lesson().first(Part.Kind.RULES)).stream().filter(c -> c.is(Status.FAILED)).map(CheckResult::name)
                    .collect(java.util.stream.Collectors.joining("; ")) + "). Fix that rule and these XP come back.";
        }
        if (check.is(Status.NEEDS_TASK)) {
            return "Not judged: this check cannot tell whether your " + check.part().shortName() + " works until "
                    + check.needs().shortName() + " does, so it earns nothing yet and is not counted as a mistake.\n"
                    + check.message();
        }
        return check.is(Status.PASSED) ? "" : check.message();
    }

    static String label(Part part) {
        return part.label();
    }
}
