package dev.echokit.grader.checks;

import dev.echokit.grader.Compilation;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Wires every check to the graded target: compiles it once, stops at a compile error (reported
 * once, as the only failure), leaves the optional groups off unless asked, and hands out {@link Grading}.
 */
public final class GraderExtension implements BeforeAllCallback, ExecutionCondition, ParameterResolver {

    private static final String REPORTED = "compile-error-reported";

    @Override
    public void beforeAll(ExtensionContext context) {
        Grading grading = Grading.of(context);
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        store.getOrComputeIfAbsent("header:" + grading.target().name(), key -> {
            if (!context.getConfigurationParameter("grader.quiet", Boolean::parseBoolean).orElse(false)) {
                System.out.println();
                System.out.println("EchoKit grader — " + grading.target().describe());
                System.out.println();
            }
            return Boolean.TRUE;
        });
        Optional<Compilation> compilation = grading.target().compilation();
        if (compilation.isPresent() && !compilation.get().succeeded()) {
            AtomicBoolean reported = store.getOrComputeIfAbsent(REPORTED + grading.target().name(),
                    key -> new AtomicBoolean(), AtomicBoolean.class);
            if (reported.compareAndSet(false, true)) {
                throw new AssertionError(compileMessage(compilation.get()));
            }
            throw new TestAbortedException("not run: the server does not compile (see the first failure)");
        }
    }

    private static String compileMessage(Compilation compilation) {
        StringBuilder m = new StringBuilder();
        if (compilation.errors().isEmpty()) {
            m.append("the server compiles, but no class has a 'public static void main(String[] args)' to start it");
        } else {
            m.append("the server does not compile: ").append(compilation.errors().get(0)).append('\n');
            m.append("  Nothing else can be checked until it does. The compiler's errors:\n");
            compilation.errors().stream().limit(20).forEach(e -> m.append("  ").append(e).append('\n'));
            if (compilation.errors().size() > 20) {
                m.append("  ... and ").append(compilation.errors().size() - 20).append(" more\n");
            }
        }
        return m.toString().stripTrailing();
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Set<String> tags = context.getTags();
        String groups = context.getConfigurationParameter("groups").orElse("");
        if (context.getConfigurationParameter("grader.classroom").filter(c -> !c.isBlank()).isPresent()) {
            return ConditionEvaluationResult.disabled("classroom run: the checks run once per submission instead");
        }
        if (tags.contains("stretch") && !groups.contains("stretch") && !Grading.of(context).kitMode()) {
            return ConditionEvaluationResult.disabled("stretch check: run it with -Dgroups=stretch");
        }
        if (tags.contains("architecture") && !Grading.of(context).target().isJava()) {
            return ConditionEvaluationResult.disabled("not applicable: architecture rules read Java classes,"
                    + " and this target is a command");
        }
        return ConditionEvaluationResult.enabled("");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Grading.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return Grading.of(context);
    }
}
