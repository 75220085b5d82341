package dev.echokit.grader.lesson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A graded lesson as data: its text and its parts in lesson order. Which checks run and in what
 * order, what holds up what, the summary, the scores and the Classroom runners all derive from it;
 * {@code checks/ConnectionLimits} is the one place this lesson's parts are declared. The type
 * sits low, beside the parts, so that every layer can read a lesson; the definition names the
 * check classes, so it sits with them.
 *
 * @param id    the lesson's id in its front matter ("w02-l12"): how gradebooks and platforms may name it
 * @param title the lesson's title in its front matter: the other name an instructor's gradebook may use
 * @param text  the lesson text, relative to the kit's root; task headings are quoted from it
 * @param parts the parts, in lesson order (each placed at its index)
 * @param evidence words of the log lines a failure's log tail always keeps (the last of each), as
 *                 they carry the counts a learner reads the mistake from
 */
public record Lesson(String id, String title, String text, List<Part> parts, List<String> evidence) {

    public Lesson {
        evidence = List.copyOf(evidence);
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
        return new Lesson(id, title, text, all, evidence);
    }

    /** The title before its dash, "Connection limits": what a gradebook's column is most often called. */
    public String shortTitle() {
        return title.split("\\s+[—–-]\\s+", 2)[0].strip();
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
}
