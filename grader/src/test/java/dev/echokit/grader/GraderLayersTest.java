package dev.echokit.grader;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
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
 * above it, and flood, the load tool, shares nothing with the grader.
 */
@Tag("selftest")
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
        layers = layers.layer("flood").definedBy(G + ".flood..");
        for (int i = 0; i < PIPELINE.length - 1; i++) {
            String[] above = java.util.Arrays.copyOfRange(PIPELINE, i + 1, PIPELINE.length);
            layers = layers.whereLayer(PIPELINE[i]).mayOnlyBeAccessedByLayers(above);
        }
        layers = layers.whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("flood").mayNotBeAccessedByAnyLayer();
        layers.check(GRADER);
    }

    @Test
    void thePackagesHaveNoCycles() {
        slices().matching(G + ".(*)..").should().beFreeOfCycles().check(GRADER);
    }

    @Test
    void floodDependsOnNothingElseOfTheGrader() {
        classes().that().resideInAPackage(G + ".flood..")
                .should().onlyDependOnClassesThat(resideInAPackage(G + ".flood..").or(resideOutsideOfPackage(G + "..")))
                .check(GRADER);
    }

    @Test
    void everyClassSitsInALayer() {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(PIPELINE), java.util.stream.Stream.of("flood"))
                .map(p -> G + "." + p + "..").toArray(String[]::new);
        classes().should().resideInAnyPackage(all).check(GRADER);
    }
}
