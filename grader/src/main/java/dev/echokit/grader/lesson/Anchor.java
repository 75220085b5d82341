package dev.echokit.grader.lesson;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A mark of a part's code in the graded source, and what it is in words ("a method named
 * refuse…", "a comparison with the limit"), for the people who read the lesson's definition.
 */
public record Anchor(String words, Pattern pattern, boolean declaration) {

    public Anchor {
        Objects.requireNonNull(words);
        Objects.requireNonNull(pattern);
    }

    /** A line of code this pattern finds, not a method's declaration. */
    public Anchor(String words, Pattern pattern) {
        this(words, pattern, false);
    }

    /** A line holding {@code text} as it is written. */
    public static Anchor text(String text) {
        return new Anchor(text.startsWith("\"") ? text : "\"" + text + "\"", Pattern.compile(Pattern.quote(text)));
    }

    /** A method declared with one of {@code names} (a call ends with ';', a declaration does not); "…" in a name stands for any ending. */
    public static Anchor method(String... names) {
        String alternatives = String.join("|", java.util.Arrays.stream(names).map(n -> n.replace("…", "\\w*")).toList());
        return new Anchor("a method named " + String.join(" or ", names), Pattern.compile(
                "^\\s*(?:(?:private|public|protected|static|final|synchronized)\\s+)*[\\w<>\\[\\],.?]+\\s+(?:" + alternatives + ")\\s*\\([^;]*$"), true);
    }
}
