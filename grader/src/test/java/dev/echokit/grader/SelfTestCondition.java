package dev.echokit.grader;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The grader's self-test runs when the whole kit is built ({@code ./mvnw verify}) or when asked
 * ({@code -Dgroups=selftest}); a learner's {@code -pl grader test} leaves it out.
 */
public final class SelfTestCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean wholeKit = context.getConfigurationParameter("grader.reactor").orElse("").contains(":lesson-solution:");
        boolean asked = context.getConfigurationParameter("groups").orElse("").contains("selftest");
        boolean otherTarget = context.getConfigurationParameter("grader.target").filter(t -> !t.isBlank()).isPresent()
                || context.getConfigurationParameter("grader.command").filter(t -> !t.isBlank()).isPresent()
                || context.getConfigurationParameter("grader.classroom").filter(t -> !t.isBlank()).isPresent();
        return (wholeKit && !otherTarget) || asked
                ? ConditionEvaluationResult.enabled("the kit is being built")
                : ConditionEvaluationResult.disabled("grader self-test: runs with ./mvnw verify, or -Dgroups=selftest");
    }
}
