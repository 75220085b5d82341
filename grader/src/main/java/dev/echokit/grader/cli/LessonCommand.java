package dev.echokit.grader.cli;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Anchor;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.Part;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** Prints the graded lesson as its definition declares it: each part, its XP, what it relies on and where its code sits. */
@Command(name = "lesson", mixinStandardHelpOptions = true,
        description = "Prints the lesson's parts: XP, the behaviour each provides, what its checks rely on, and where its code sits.")
public final class LessonCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(render(ConnectionLimits.LESSON));
        return 0;
    }

    /** The lesson's parts in order, one block each; what {@code grader lesson} prints. */
    public static String render(Lesson lesson) {
        StringBuilder out = new StringBuilder("lesson: " + lesson.text() + "  (" + lesson.maxXp() + " XP)\n");
        for (Part part : lesson.parts()) {
            out.append('\n').append(part.heading()).append("   [").append(part.tag()).append("]")
                    .append(part.xp() > 0 ? "   " + part.xp() + " XP" : "").append('\n');
            part.checkClass().ifPresent(c -> out.append("  checks:      ").append(c.getSimpleName()).append('\n'));
            part.provided().ifPresent(b -> out.append("  provides:    ").append(b.words()).append('\n'));
            List<String> relied = part.reliance().stream()
                    .map(b -> lesson.provider(b).shortName() + " (" + b.words() + ")").toList();
            out.append("  relies on:   ").append(relied.isEmpty() ? "nothing" : String.join("\n               ", relied)).append('\n');
            if (!part.anchors().isEmpty() || part.isTask()) {
                String marks = java.util.stream.Stream.concat(part.anchors().stream().map(Anchor::words),
                                part.repeats().stream().map(a -> a.words() + " where there are two"))
                        .collect(Collectors.joining(", "));
                out.append("  code:        ").append(marks.isEmpty() ? "" : marks + (part.isTask() ? ", " : ""))
                        .append(part.isTask() ? "TODO(task " + part.task() + ")" : "").append('\n');
            }
        }
        return out.toString();
    }
}
