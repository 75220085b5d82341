package dev.echokit.grader.checks;

import dev.echokit.grader.compile.Compilation;
import dev.echokit.grader.feedback.Feedback;
import dev.echokit.grader.lesson.Behaviour;
import dev.echokit.grader.lesson.NotApplicable;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.process.RunningServer;
import java.io.IOException;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Wires every check to its grading run: hands out {@link Grading}, leaves every check out when the
 * server does not compile (the grader reports that once), marks the class-reading rules n/a for a
 * command target, and turns anything a check throws into the grader's feedback, never a bare exception.
 */
public final class GraderExtension implements BeforeAllCallback, ExecutionCondition, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    /** Where each check's own view of the grading is kept, under its context's unique id. */
    private static final ExtensionContext.Namespace CHECKS = ExtensionContext.Namespace.create(GraderExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Optional<Compilation> compilation = Grading.of(context).target().compilation();
        if (compilation.isPresent() && !compilation.get().succeeded()) {
            throw new TestAbortedException("not run: the server does not compile (see the first failure)");
        }
        if (readsClasses(context) && !Grading.of(context).target().isJava()) {
            // Said of one check or of several, and of whichever ran (with --groups task:1, only the picocli one does).
            throw new NotApplicable("read from Java classes, which a command target does not have");
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return ConditionEvaluationResult.enabled(""); // what cannot apply ends as NotApplicable in beforeAll
    }

    private static boolean readsClasses(ExtensionContext context) {
        return context.getTestClass().filter(ArchitectureChecks.class::equals).isPresent();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Grading.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Grading run = Grading.of(context);
        Grading check = run.forCheck(run.lesson().partOf(context.getTags()));
        context.getStore(CHECKS).put(context.getUniqueId(), check);
        return check;
    }

    /**
     * The server the failing check started, or the one its class started for it (@BeforeAll):
     * checks run side by side, so the run's most recent server may well be another check's.
     */
    private static RunningServer serverOf(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Grading check = c.get().getStore(CHECKS).get(c.get().getUniqueId(), Grading.class);
            if (check != null && check.lastServer() != null) {
                return check.lastServer();
            }
        }
        return null;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw inWords(context, thrown);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        throw inWords(context, thrown);
    }

    /** The grader's own failures and "needs task" pass through; anything else becomes feedback. */
    private static Throwable inWords(ExtensionContext context, Throwable thrown) {
        if (thrown instanceof Feedback.Failure || thrown instanceof TestAbortedException) {
            return thrown;
        }
        Grading grading = Grading.of(context);
        Part part = grading.lesson().partOf(context.getTags());
        RunningServer server = serverOf(context);
        Feedback feedback = grading.feedback(part, server)
                .did("ran the check \"" + context.getDisplayName() + "\"")
                .expected("the server to keep answering until the check was done")
                .got(describe(thrown, server))
                .hint(hint(thrown, server));
        return part.isTask() && part.reliesOn(Behaviour.TAKES_THE_OPTION)
                ? grading.blame(part, feedback, Behaviour.ECHOES, Behaviour.TAKES_THE_OPTION)
                : grading.blame(part, feedback, Behaviour.ECHOES);
    }

    /** What went wrong, from the exception alone: how the server's process ended, if it did, Feedback adds from what was observed. */
    private static String describe(Throwable thrown, RunningServer server) {
        String message = String.valueOf(thrown.getMessage());
        if (thrown.getClass().getName().endsWith("TimeoutException") && message.contains("timed out")) {
            return "the check did not finish within its time limit (" + message.replaceFirst(".*timed out", "timed out") + ")";
        }
        if (thrown instanceof SocketException && message.toLowerCase().contains("reset")) {
            return "the server reset a connection (" + message + ")";
        }
        if (thrown instanceof SocketException && message.toLowerCase().contains("broken pipe")) {
            return "the server closed a connection while the grader was still writing to it";
        }
        if (thrown instanceof IOException) {
            return "a connection failed: " + message;
        }
        return "the grader hit an error it did not expect: " + thrown;
    }

    /** A hint for what the exception shows; a server that ended on its own gets the crash's hint instead (Feedback). */
    private static String hint(Throwable thrown, RunningServer server) {
        if (thrown.getClass().getName().endsWith("TimeoutException")) {
            return "something stopped answering for good: is the selector loop blocked (a blocking call, an endless loop)?";
        }
        if (thrown instanceof IOException) {
            return "the server dropped a connection the check was using: an exception in the loop that closes the wrong channel?";
        }
        return "this looks like a grader problem, not yours: please report it with this output";
    }
}
