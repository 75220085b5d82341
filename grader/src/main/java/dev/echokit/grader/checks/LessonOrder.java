package dev.echokit.grader.checks;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the check classes in the order of the graded lesson's parts, as its definition declares
 * them; a class no part names (a test's own) goes last. The {@link dev.echokit.grader.run.Grader}
 * configures it for every grading run, with the classes' names in {@link #ORDER}.
 */
public final class LessonOrder implements ClassOrderer {

    /** The configuration parameter that lists the check classes' names, in the lesson's order, comma-separated. */
    public static final String ORDER = "echokit.checkOrder";

    @Override
    public void orderClasses(ClassOrdererContext context) {
        List<String> order = context.getConfigurationParameter(ORDER).map(names -> Arrays.asList(names.split(","))).orElse(List.of());
        context.getClassDescriptors().sort(Comparator.comparingInt((ClassDescriptor d) -> {
            int place = order.indexOf(d.getTestClass().getName());
            return place < 0 ? Integer.MAX_VALUE : place;
        }));
    }
}
