package dev.echokit.grader.lesson;

import org.opentest4j.TestAbortedException;

/**
 * Ends a check that cannot judge its own task because another task's behaviour (or the previous
 * lesson's echo) is missing. It is reported as "needs task N" in one line, earns no XP, and is never counted as this task's failure.
 */
public final class NeedsTask extends TestAbortedException {

    private static final long serialVersionUID = 1L;

    private final Part needed;
    private final String reason;

    public NeedsTask(Part needed, String reason) {
        super("needs " + needed.shortName() + ": " + reason);
        this.needed = needed;
        this.reason = reason;
    }

    /** Why, without the "needs task N: " the message starts with. */
    public String reason() {
        return reason;
    }

    /** The part whose behaviour is missing: a task, or the echo of the previous lesson. */
    public Part needed() {
        return needed;
    }
}
