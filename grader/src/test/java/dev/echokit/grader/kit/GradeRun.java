package dev.echokit.grader.kit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.echokit.grader.checks.GradeReport;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the grader's checks against one target from inside a JVM, the way {@code mvn -pl grader test}
 * would, and returns the results: the engine behind the classroom mode and the self-test.
 */
public final class GradeRun {

    /** All check classes of the default run, in the order the summary lists them. */
    public static final List<String> CHECK_CLASSES = List.of("EchoChecks", "Task1Checks", "Task2Checks",
            "Task3Checks", "Task4Checks", "Task5Checks", "ArchitectureChecks", "StretchChecks");

    private GradeRun() {
    }

    /** The outcome of grading one target. */
    public record Result(List<GradeReport.Check> checks, List<GradeReport.Row> rows) {
        public int score() {
            return GradeReport.score(rows);
        }

        public boolean failed(String groupOrCheck) {
            return checks.stream().anyMatch(c -> c.status().equals("failed")
                    && (c.group().equals(groupOrCheck) || c.name().startsWith(groupOrCheck)));
        }

        public List<GradeReport.Check> failures() {
            return checks.stream().filter(c -> c.status().equals("failed")).toList();
        }
    }

    /**
     * Grades {@code target} (a folder, or a module name in the kit) with the given selectors
     * ("EchoChecks" for a class, "StretchChecks#method" for one check); stretch runs when asked.
     */
    public static Result grade(String target, Path workDir, List<String> selection, boolean stretch) {
        return grade(Map.of("grader.target", target), workDir, selection, stretch);
    }

    /** Grades a server started by a shell command, as {@code -Dgrader.command} does. */
    public static Result gradeCommand(String command, Path workDir, List<String> selection) {
        return grade(Map.of("grader.command", command, "grader.target", ""), workDir, selection, false);
    }

    private static Result grade(Map<String, String> what, Path workDir, List<String> selection, boolean stretch) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String s : selection) {
            String className = "dev.echokit.grader.checks." + s.split("#")[0];
            // A check method takes the Grading, so the selector names that parameter type.
            selectors.add(s.contains("#")
                    ? selectMethod(className + "#" + s.split("#")[1] + "(dev.echokit.grader.checks.Grading)")
                    : selectClass(className));
        }
        GradeReport report = new GradeReport(workDir, new PrintStream(OutputStream.nullOutputStream()), false);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameters(what)
                .configurationParameters(Map.of(
                        "grader.workDir", workDir.toString(),
                        "grader.quiet", "true",
                        "grader.classroom", "",
                        "groups", stretch ? "stretch" : ""))
                .build();
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(report)
                .build());
        launcher.execute(request);
        List<GradeReport.Check> checks = report.checks();
        return new Result(checks, GradeReport.rows(checks));
    }
}
