package dev.echokit.grader.checks;

import dev.echokit.grader.lesson.Lesson;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the check classes in the order of the graded lesson's parts, as its definition declares
 * them; a class no part names (a test's own) goes last. The {@link dev.echokit.grader.run.Grader}
 * configures it for every grading run.
 */
public final class LessonOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        List<Class<?>> order = context.getConfigurationParameter(Grading.RUN_ID)
                .map(Grading::run).map(Grading::lesson).map(Lesson::checkClasses).orElse(List.of());
        context.getClassDescriptors().sort(Comparator.comparingInt((ClassDescriptor d) -> {
            int place = order.indexOf(d.getTestClass());
            return place < 0 ? Integer.MAX_VALUE : place;
        }));
    }
}
