package dev.echokit.grader.lesson;

import org.opentest4j.TestAbortedException;

/**
 * Ends a check that cannot apply to this target or machine (architecture rules for a command, a
 * measurement the platform cannot make): reported as n/a with its reason, worth nothing either way.
 * The type, not the message's words, is what tells it from a check that did not run.
 */
public final class NotApplicable extends TestAbortedException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public NotApplicable(String reason) {
        super("not applicable: " + reason);
        this.reason = reason;
    }

    /** Why, without the "not applicable: " the message starts with. */
    public String reason() {
        return reason;
    }
}
