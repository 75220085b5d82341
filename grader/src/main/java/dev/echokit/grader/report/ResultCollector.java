package dev.echokit.grader.report;

import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.lesson.NeedsTask;
import dev.echokit.grader.lesson.NotApplicable;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Listens to one grading run of the JUnit Platform and turns each check's ending into a {@link CheckResult}.
 * Check classes run concurrently, so the callbacks that read or add results are synchronized.
 */
public final class ResultCollector implements TestExecutionListener {

    private final Lesson lesson;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Integer> planOrder = new ConcurrentHashMap<>();
    private final List<CheckResult> results = new ArrayList<>();
    private TestPlan plan;

    /** A collector for a run of {@code lesson}'s checks: its parts are what the results count for. */
    public ResultCollector(Lesson lesson) {
        this.lesson = lesson;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
        // Checks may run concurrently; their place in the plan, not the order they end in, orders the report.
        testPlan.getRoots().forEach(root -> number(testPlan, root));
    }

    private void number(TestPlan testPlan, TestIdentifier id) {
        planOrder.put(id.getUniqueId(), planOrder.size() * 1000); // room for a parameterised check's invocations
        testPlan.getChildren(id).forEach(child -> number(testPlan, child));
    }

    /** A parameterised check's invocations appear as they run: each goes right after its check, in turn. */
    @Override
    public synchronized void dynamicTestRegistered(TestIdentifier id) {
        int parent = id.getParentId().map(planOrder::get).orElse(Integer.MAX_VALUE / 2);
        int siblings = (int) planOrder.values().stream().filter(o -> o > parent && o < parent + 1000).count();
        planOrder.put(id.getUniqueId(), parent + 1 + siblings);
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        Status status = Status.NOT_RUN; // what cannot apply is not skipped: it ends as NotApplicable
        for (TestIdentifier check : checksUnder(id)) {
            add(check, status, null, reason, reason, 0, null);
        }
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long millis = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
        Optional<Throwable> thrown = result.getThrowable();
        String message = thrown.map(t -> t.getMessage() == null ? t.toString() : t.getMessage()).orElse("");
        Feedback feedback = thrown.filter(Feedback.Failure.class::isInstance)
                .map(t -> ((Feedback.Failure) t).feedback()).orElse(null);
        Part needs = thrown.filter(NeedsTask.class::isInstance).map(t -> ((NeedsTask) t).needed()).orElse(null);
        String reason = thrown.map(t -> t instanceof NeedsTask n ? n.reason() : t instanceof NotApplicable n ? n.reason() : null)
                .orElse(message);
        Status status = switch (result.getStatus()) {
            case SUCCESSFUL -> Status.PASSED;
            case ABORTED -> needs != null ? Status.NEEDS_TASK
                    : thrown.filter(NotApplicable.class::isInstance).isPresent() ? Status.NOT_APPLICABLE : Status.NOT_RUN;
            case FAILED -> Status.FAILED;
        };
        if (id.isTest()) {
            add(id, status, needs, message, reason, millis, feedback);
        } else if (status != Status.PASSED) {
            // A class that ended before its checks ran (its server never started): the first check
            // carries the reason, the others were not run, so the one problem is reported once.
            boolean first = true;
            for (TestIdentifier check : checksUnder(id)) {
                if (results.stream().noneMatch(r -> r.name().equals(nameOf(check)))) {
                    if (first || status != Status.FAILED) {
                        add(check, status, needs, message, reason, 0, feedback);
                    } else {
                        String notRun = "not run: see the first failure of this part";
                        add(check, Status.NOT_RUN, null, notRun, notRun, 0, null);
                    }
                    first = false;
                }
            }
        }
    }

    public synchronized List<CheckResult> results() {
        return List.copyOf(results);
    }

    private List<TestIdentifier> checksUnder(TestIdentifier id) {
        if (id.isTest()) {
            return List.of(id);
        }
        return plan == null ? List.of() : plan.getDescendants(id).stream().filter(TestIdentifier::isTest).toList();
    }

    private void add(TestIdentifier id, Status status, Part needs, String message, String reason, long millis, Feedback feedback) {
        results.add(new CheckResult(nameOf(id), lesson.partOf(id.getTags().stream().map(TestTag::getName).toList()), status, needs, message, millis, feedback,
                planOrder.getOrDefault(id.getUniqueId(), Integer.MAX_VALUE), null, reason));
    }

    /** The check's sentence, with its parameters for a parameterised one. */
    private String nameOf(TestIdentifier id) {
        String parent = plan == null ? "" : plan.getParent(id)
                .filter(p -> p.getSource().filter(MethodSource.class::isInstance).isPresent())
                .map(p -> p.getDisplayName() + " ").orElse("");
        return parent + id.getDisplayName();
    }
}
