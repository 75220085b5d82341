package dev.echokit.grader.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import java.util.List;
import java.util.TreeSet;

/**
 * One part's line in the summary: how its checks ended and the XP it earned. A task's XP are
 * shared out in whole XP over the checks that ran ({@link Part#shares}); a passed check earns its
 * share, and a check that needs another task earns none.
 */
public record PartResult(
        @JsonProperty("group") Part part,
        int passed,
        int failed,
        int needsTask,
        int notApplicable,
        int notRun,
        int xp,
        int xpMax) {

    static PartResult of(Part part, List<CheckResult> checks) {
        int passed = count(checks, Status.PASSED);
        int failed = count(checks, Status.FAILED);
        int needs = count(checks, Status.NEEDS_TASK);
        int ran = passed + failed + needs;
        int notApplicable = count(checks, Status.NOT_APPLICABLE);
        int xp = 0;
        List<CheckResult> counted = Shares.counted(part, checks);
        int[] shares = part.shares(counted.size());
        for (int i = 0; i < counted.size(); i++) {
            xp += counted.get(i).is(Status.PASSED) ? shares[i] : 0;
        }
        return new PartResult(part, passed, failed, needs, notApplicable, checks.size() - ran - notApplicable, xp, part.xp());
    }

    private static int count(List<CheckResult> checks, Status status) {
        return (int) checks.stream().filter(c -> c.is(status)).count();
    }

    /** Checks that ran: judged, or stopped because they need another task. */
    public int ran() {
        return passed + failed + needsTask;
    }

    /** The parts this part's blocked checks wait for, in lesson order. */
    public static TreeSet<Part> needed(List<CheckResult> checks) {
        TreeSet<Part> parts = new TreeSet<>();
        checks.stream().filter(c -> c.is(Status.NEEDS_TASK)).forEach(c -> parts.add(c.needs()));
        return parts;
    }
}
