package dev.echokit.grader;

import static dev.echokit.grader.Behaviour.ECHOES;
import static dev.echokit.grader.Behaviour.ENDS_REFUSALS;
import static dev.echokit.grader.Behaviour.FREES_SLOTS;
import static dev.echokit.grader.Behaviour.TAKES_THE_OPTION;
import static dev.echokit.grader.Behaviour.TURNS_AWAY;

import dev.echokit.grader.checks.ArchitectureChecks;
import dev.echokit.grader.checks.EchoChecks;
import dev.echokit.grader.checks.StretchChecks;
import dev.echokit.grader.checks.Task1Checks;
import dev.echokit.grader.checks.Task2Checks;
import dev.echokit.grader.checks.Task3Checks;
import dev.echokit.grader.checks.Task4Checks;
import dev.echokit.grader.checks.Task5Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A graded lesson as data: its text and its parts in lesson order. Which checks run and in what
 * order, what holds up what, the summary, the scores and the Classroom runners all derive from it;
 * {@link #CONNECTION_LIMITS} is the one place this lesson's parts are declared.
 *
 * @param text  the lesson text, relative to the kit's root; task headings are quoted from it
 * @param parts the parts, in lesson order (each placed at its index)
 */
public record Lesson(String text, List<Part> parts) {

    /** w02-l12, "Connection limits — refuse when full": what the grader grades unless told otherwise. */
    public static final Lesson CONNECTION_LIMITS = new Lesson("lessons/w02-l12-connection-limits/README.md", List.of(
            Part.of(Part.Kind.PREVIOUS_LESSON, "echo", "Echo still works (previous lesson)", 0)
                    .provides(ECHOES)
                    .anchors(declaration("readAndEcho|handle|read\\w*"), Pattern.compile("\\.select\\w*\\s*\\("))
                    .checkedBy(EchoChecks.class),
            Part.task(1, "Task 1 — Add the --max-clients option", 10)
                    .provides(TAKES_THE_OPTION)
                    .relyingOn(ECHOES, TURNS_AWAY)
                    .anchors(Pattern.compile("\"--max-clients\""), Pattern.compile("max clients:"))
                    .checkedBy(Task1Checks.class),
            Part.task(2, "Task 2 — Check the count before you admit", 10)
                    .provides(TURNS_AWAY)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, FREES_SLOTS)
                    .anchors(declaration("admit\\w*|accept\\w*"), Pattern.compile("accepted connection"),
                            Pattern.compile("\\.accept\\s*\\(\\s*\\)"))
                    .checkedBy(Task2Checks.class),
            Part.task(3, "Task 3 — Tell the client, then close", 10)
                    .provides(ENDS_REFUSALS)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY, FREES_SLOTS)
                    .anchors(declaration("refuse\\w*|reject\\w*"), Pattern.compile("server at capacity"))
                    .checkedBy(Task3Checks.class),
            Part.task(4, "Task 4 — Log every refusal", 10)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY, ENDS_REFUSALS, FREES_SLOTS)
                    .anchors(Pattern.compile("rejected connection"), declaration("refuse\\w*|reject\\w*"))
                    .checkedBy(Task4Checks.class),
            Part.task(5, "Task 5 — Give the slot back", 10)
                    .provides(FREES_SLOTS)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY)
                    .anchors(declaration("connectionClosed\\w*|onClose\\w*|close"), Pattern.compile("closed connection"))
                    .checkedBy(Task5Checks.class),
            Part.of(Part.Kind.RULES, "architecture", "Architecture rules", 0)
                    .relyingOn(ECHOES)
                    .checkedBy(ArchitectureChecks.class),
            Part.of(Part.Kind.STRETCH, "stretch", "Stretch (-Dgroups=stretch)", 0)
                    .relyingOn(ECHOES, TAKES_THE_OPTION, TURNS_AWAY, ENDS_REFUSALS, FREES_SLOTS)
                    .checkedBy(StretchChecks.class)));

    public Lesson {
        List<Part> given = List.copyOf(parts);
        List<Part> placed = IntStream.range(0, given.size()).mapToObj(i -> given.get(i).at(i)).toList();
        if (placed.stream().map(Part::tag).distinct().count() != placed.size()) {
            throw new IllegalArgumentException("two parts of a lesson share a tag: " + placed);
        }
        for (Behaviour b : Behaviour.values()) {
            if (placed.stream().filter(p -> p.provided().filter(b::equals).isPresent()).count() > 1) {
                throw new IllegalArgumentException("two parts of a lesson provide " + b);
            }
        }
        parts = placed;
    }

    /** This lesson with {@code extra} placed right after the part tagged {@code after}: how a test adds a part. */
    public Lesson withPartAfter(String after, Part extra) {
        List<Part> all = new ArrayList<>(parts);
        all.add(all.indexOf(part(after).orElseThrow()) + 1, extra);
        return new Lesson(text, all);
    }

    public Optional<Part> part(String tag) {
        return parts.stream().filter(p -> p.tag().equals(tag)).findFirst();
    }

    public List<Part> tasks() {
        return parts.stream().filter(Part::isTask).toList();
    }

    /** The first part of a kind: the previous lesson's echo, the architecture rules, the stretch. */
    public Part first(Part.Kind kind) {
        return parts.stream().filter(p -> p.kind() == kind).findFirst()
                .orElseThrow(() -> new IllegalStateException("the lesson has no part of kind " + kind));
    }

    /** The part whose checks live in {@code checkClass}. */
    public Part partOf(Class<?> checkClass) {
        return parts.stream().filter(p -> p.checkClass().filter(checkClass::equals).isPresent()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(checkClass.getSimpleName() + " is no part's check class"));
    }

    /**
     * The part a check counts for, from its tags: a task's tag first (a task check may live among
     * the architecture rules), then the other parts' in lesson order; the previous lesson's otherwise.
     */
    public Part partOf(Collection<String> tags) {
        List<Part> tagged = parts.stream().filter(p -> tags.contains(p.tag())).toList();
        return tagged.stream().filter(Part::isTask).findFirst()
                .or(() -> tagged.stream().filter(p -> p.kind() != Part.Kind.PREVIOUS_LESSON).findFirst())
                .orElseGet(() -> first(Part.Kind.PREVIOUS_LESSON));
    }

    /** The part that provides {@code behaviour}. */
    public Part provider(Behaviour behaviour) {
        return parts.stream().filter(p -> p.provided().filter(behaviour::equals).isPresent()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no part of the lesson provides " + behaviour));
    }

    /** The check classes, in lesson order: what a grading run selects, in the order it runs them. */
    public List<Class<?>> checkClasses() {
        return parts.stream().map(Part::checkClass).flatMap(Optional::stream).toList();
    }

    /** The most XP a run can earn: the sum of the parts'. */
    public int maxXp() {
        return parts.stream().mapToInt(Part::xp).sum();
    }

    /** A method declared with one of these names (a call ends with ';', a declaration does not). */
    private static Pattern declaration(String names) {
        return Pattern.compile("^\\s*(?:(?:private|public|protected|static|final|synchronized)\\s+)*"
                + "[\\w<>\\[\\],.?]+\\s+(?:" + names + ")\\s*\\([^;]*$");
    }
}
