package dev.echokit.grader.lesson;

import com.fasterxml.jackson.annotation.JsonValue;

/** How one check ended, in the words the console, the JSON report and the classroom table use. */
public enum Status {
    PASSED("passed"),
    FAILED("failed"),
    /** The check could not judge its task because another task's behaviour is missing. */
    NEEDS_TASK("needs task"),
    /** Left out of this run, or not reached (after a compile error). */
    NOT_RUN("not run"),
    /** Cannot apply to this target (architecture rules for a command). */
    NOT_APPLICABLE("n/a");

    private final String word;

    Status(String word) {
        this.word = word;
    }

    @JsonValue
    public String word() {
        return word;
    }
}
