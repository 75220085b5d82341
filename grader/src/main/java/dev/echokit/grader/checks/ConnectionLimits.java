package dev.echokit.grader.checks;

import static dev.echokit.grader.lesson.Behaviour.ECHOES;
import static dev.echokit.grader.lesson.Behaviour.ENDS_REFUSALS;
import static dev.echokit.grader.lesson.Behaviour.FREES_SLOTS;
import static dev.echokit.grader.lesson.Behaviour.TAKES_THE_OPTION;
import static dev.echokit.grader.lesson.Behaviour.TURNS_AWAY;

import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import java.util.List;
import dev.echokit.grader.lesson.Anchor;
import java.util.regex.Pattern;

/**
 * The one definition of this lesson's parts, as data: each part's tag, heading and XP, what it
 * provides and relies on, where its code sits and its check class. It lives beside the check
 * classes it names, so that the {@link Lesson} type can sit below them.
 */
public final class ConnectionLimits {

    private ConnectionLimits() {
    }

    // The lines a learner writes for the limit, wherever they put them: a comparison with the limit
    // (the > mistake shows here), and the count going up or down (a stray clients++ shows here).
    // A counting for loop is not the count.
    private static final Anchor COMPARES_WITH_THE_LIMIT = new Anchor("a comparison with the limit", Pattern.compile("(?i)(?:[<>]=?|[=!]=)\\s*(?:this\\.)?\\w*max\\w*\\b(?!\\s*\\()"
            + "|\\b\\w*max\\w*\\s*(?:[<>]=?|[=!]=)(?!\\s*null)"));
    private static final Anchor COUNTS_UP = new Anchor("a count going up (n++, ++n, n += 1)", Pattern.compile("^(?!\\s*for\\b).*(?:\\b\\w+\\+\\+(?![\\w\"'])|(?<![\\w\"'+])\\+\\+\\w+"
            + "|\\b\\w+\\s*\\+=\\s*1\\s*;)"));
    // A count taken from the selector instead of kept: its registered keys, less the listener's. A closed
    // channel's key stays among them until the next select(), so this count lags a departure.
    private static final Anchor COUNTS_THE_KEYS = new Anchor("a count of the selector's keys (keys().size())",
            Pattern.compile("\\.keys\\(\\)\\s*\\.size\\(\\)"));
    // The bad value turned down: a comparison of the value with 0 or 1, wherever the learner checks it.
    private static final Anchor VALUE_CHECK = new Anchor("a check that the value is at least 1",
            Pattern.compile("(?i)\\bif\\s*\\(.*\\b\\w*(?:max\\w*|value)\\s*(?:<\\s*1|<=\\s*0|<\\s*MIN\\w*)\\b"));
    private static final Anchor COUNTS_DOWN = new Anchor("a count going down (n--, --n, n -= 1)", Pattern.compile("^(?!\\s*for\\b).*(?:\\b\\w+--(?![\\w\"'-])|(?<![\\w\"'-])--\\w+(?![\\w\"'-])"
            + "|\\b\\w+\\s*-=\\s*1\\s*;)"));

    // The stretch's three causes, each where its own check points: the refusal (a clean close, no leak),
    // the accept call and its pause when descriptors run out, and the writes a slow reader holds back.
    static final Anchor REFUSES = Anchor.method("refuse…", "reject…");
    static final Anchor ACCEPTS = new Anchor("a call of accept()", Pattern.compile("\\.accept\\s*\\(\\s*\\)"));
    static final Anchor PAUSES = Anchor.text("cannot accept");
    static final Anchor WRITES = Anchor.method("write…", "flush…");

    /** w02-l12, "Connection limits — refuse when full": what the grader grades unless told otherwise. */
    public static final Lesson LESSON = new Lesson("w02-l12", "Connection limits — refuse when full",
            "lessons/w02-l12-connection-limits/README.md", List.of(
            Part.of(Part.Kind.PREVIOUS_LESSON, "echo", "Echo still works (previous lesson)", 0)
                    .provides(ECHOES)
                    .anchors(Anchor.method("readAndEcho", "handle", "read…"), new Anchor("a call of select", Pattern.compile("\\.select\\w*\\s*\\(")))
                    .checkedBy(EchoChecks.class),
            Part.task(1, "Task 1 — Add the --max-clients option", 10)
                    .provides(TAKES_THE_OPTION)
                    .relyingOn(ECHOES, TURNS_AWAY)
                    .anchors(Anchor.text("\"--max-clients\""), VALUE_CHECK, Anchor.text("max clients:"))
                    .checkedBy(Task1Checks.class),
            Part.task(2, "Task 2 — Check the count before you admit", 10)
                    .provides(TURNS_AWAY)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, FREES_SLOTS)
                    .anchors(COMPARES_WITH_THE_LIMIT, COUNTS_UP, COUNTS_THE_KEYS, Anchor.method("admit…", "accept…"), Anchor.text("accepted connection"),
                            new Anchor("a call of accept()", Pattern.compile("\\.accept\\s*\\(\\s*\\)")))
                    .checkedBy(Task2Checks.class),
            Part.task(3, "Task 3 — Tell the client, then close", 10)
                    .provides(ENDS_REFUSALS)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY, FREES_SLOTS)
                    .anchors(Anchor.method("refuse…", "reject…"), Anchor.text("server at capacity"))
                    .alsoWhereRepeated(COUNTS_UP)
                    .checkedBy(Task3Checks.class),
            Part.task(4, "Task 4 — Log every refusal", 10)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY, ENDS_REFUSALS, FREES_SLOTS)
                    .anchors(Anchor.text("rejected connection"), Anchor.method("refuse…", "reject…"))
                    .checkedBy(Task4Checks.class),
            Part.task(5, "Task 5 — Give the slot back", 10)
                    .provides(FREES_SLOTS)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY)
                    .anchors(Anchor.method("connectionClosed…", "onClose…", "close"), COUNTS_DOWN, COUNTS_THE_KEYS, Anchor.text("closed connection"))
                    .alsoWhereRepeated(COUNTS_DOWN)
                    .checkedBy(Task5Checks.class),
            Part.of(Part.Kind.RULES, "architecture", "Architecture rules", 0)
                    .relyingOn(ECHOES)
                    .checkedBy(ArchitectureChecks.class),
            Part.of(Part.Kind.STRETCH, "stretch", "Stretch (-Dgroups=stretch)", 0)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY, ENDS_REFUSALS, FREES_SLOTS)
                    // Refusing cleanly, surviving a lack of descriptors, and holding back a client that does not read;
                    // each check's failure points at its own (StretchChecks), a failure outside them at all three.
                    .anchors(REFUSES, ACCEPTS, WRITES)
                    .checkedBy(StretchChecks.class)),
            // The contract's log lines whose counts tell a mistake: a failure's log tail keeps the last of each.
            List.of("accepted connection", "closed connection", "rejected connection"));
}
