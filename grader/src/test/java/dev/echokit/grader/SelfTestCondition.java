package dev.echokit.grader;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The grader's self-test runs in the kit's profile ({@code ./mvnw verify -Pkit}, what CI runs) or when
 * asked ({@code -Dgroups=selftest}); a learner's {@code ./mvnw test}, at the top or {@code -pl grader},
 * leaves it out and only grades their work.
 */
public final class SelfTestCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean wholeKit = context.getConfigurationParameter("echokit.kit").orElse("").equals("true");
        boolean asked = context.getConfigurationParameter("groups").orElse("").contains("selftest");
        boolean otherTarget = context.getConfigurationParameter("grader.target").filter(t -> !t.isBlank()).isPresent()
                || context.getConfigurationParameter("grader.command").filter(t -> !t.isBlank()).isPresent()
                || context.getConfigurationParameter("grader.classroom").filter(t -> !t.isBlank()).isPresent();
        return (wholeKit && !otherTarget) || asked
                ? ConditionEvaluationResult.enabled("the kit's self-test (-Pkit)")
                : ConditionEvaluationResult.disabled("grader self-test: runs with ./mvnw verify -Pkit, or -Dgroups=selftest");
    }
}
