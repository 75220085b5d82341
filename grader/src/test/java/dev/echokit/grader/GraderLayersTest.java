package dev.echokit.grader;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The grader's own layers follow the pipeline a submission takes, lowest first: the lesson's
 * types, intake (submission to sources), compile, process (sandbox, running server, log, probe,
 * platform), feedback, checks (and the lesson's definition, which names them), report (verdicts
 * and their writers), run (the grading of one target), classroom, cli. A package never uses one
 * above it. (flood, the load tool, is a module of its own: grader/flood.)
 */
@Tag("selftest")
@org.junit.jupiter.api.extension.ExtendWith(SelfTestCondition.class)
class GraderLayersTest {

    private static final String G = "dev.echokit.grader";
    private static final String[] PIPELINE = {"lesson", "intake", "compile", "process", "feedback", "checks", "report", "run", "classroom", "cli"};

    private static final JavaClasses GRADER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(G);

    @Test
    void noPackageUsesOneAboveIt() {
        var layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : PIPELINE) {
            layers = layers.layer(layer).definedBy(G + "." + layer + "..");
        }
        for (int i = 0; i < PIPELINE.length - 1; i++) {
            String[] above = java.util.Arrays.copyOfRange(PIPELINE, i + 1, PIPELINE.length);
            layers = layers.whereLayer(PIPELINE[i]).mayOnlyBeAccessedByLayers(above);
        }
        layers = layers.whereLayer("cli").mayNotBeAccessedByAnyLayer();
        layers.check(GRADER);
    }

    @Test
    void thePackagesHaveNoCycles() {
        slices().matching(G + ".(*)..").should().beFreeOfCycles().check(GRADER);
    }

    @Test
    void everyClassSitsInALayer() {
        String[] all = java.util.Arrays.stream(PIPELINE).map(p -> G + "." + p + "..").toArray(String[]::new);
        classes().should().resideInAnyPackage(all).check(GRADER);
    }

    /**
     * The lesson's facts live in its definition: no grader source but the definition and the last
     * task's own checks names that task, so a task is renumbered, added or removed in those files
     * (and the lesson text) alone. Comments count too: a comment that names a task goes stale with it.
     */
    @Test
    void onlyTheDefinitionAndItsChecksNameTheLastTask() throws java.io.IOException {
        java.nio.file.Path main = SelfTestPaths.KIT
                .resolve("grader/src/main/java");
        int last = dev.echokit.grader.checks.ConnectionLimits.LESSON.tasks().stream().mapToInt(dev.echokit.grader.lesson.Part::task).max().orElseThrow();
        java.util.regex.Pattern naming = java.util.regex.Pattern.compile("(?i)task[ :_]?" + last + "\\b|tasks? \\d+ *(to|-|–) *" + last + "\\b");
        java.util.List<String> allowed = java.util.List.of("ConnectionLimits.java", "Task" + last + "Checks.java");
        java.util.List<String> naming_files;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(main)) {
            naming_files = files.filter(f -> f.toString().endsWith(".java") && !allowed.contains(f.getFileName().toString()))
                    .filter(f -> {
                        try {
                            return naming.matcher(java.nio.file.Files.readString(f)).find();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(f -> main.relativize(f).toString()).sorted().toList();
        }
        org.assertj.core.api.Assertions.assertThat(naming_files).as("grader sources that name task " + last).isEmpty();
    }

    /**
     * A learner's grading runs the tests tagged "grading" or "selftest" and SelfTestCondition turns
     * the self-test off: a self-test class without it runs at every learner's grading (this one
     * did, adding 1.8 s to each).
     */
    @Test
    void everySelfTestClassIsTurnedOffForALearner() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of(GraderLayersTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.util.List<String> missing = new java.util.ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, GraderLayersTest.class.getClassLoader());
                boolean selfTest = java.util.Arrays.stream(type.getAnnotationsByType(Tag.class)).anyMatch(t -> t.value().equals("selftest"));
                boolean turnedOff = java.util.Arrays.stream(type.getAnnotationsByType(org.junit.jupiter.api.extension.ExtendWith.class))
                        .anyMatch(e -> java.util.Arrays.asList(e.value()).contains(SelfTestCondition.class));
                if (selfTest && !turnedOff) {
                    missing.add(name);
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(missing).as("self-test classes without @ExtendWith(SelfTestCondition.class)").isEmpty();
    }
}
