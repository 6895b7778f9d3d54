package io.testbed.experiments;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The orchestrator depends on this module: it must stay a pure engine (DESIGN.md, STYLE.md rule 1). */
class DependencyRulesTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.contains("/test-classes/")).importPackages("io.testbed.experiments");

  @Test
  void noActorsBrokersDatabasesOrInferenceRuntimes() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "org.eclipse.paho..",
        "ai.onnxruntime..", "org.influxdb..", "io.moquette..").check(CLASSES);
  }

  @Test
  void specAndLoadGenDoNotDependOnBundlesOrTheRunner() {
    noClasses().that().resideInAnyPackage("io.testbed.experiments.spec..", "io.testbed.experiments.loadgen..")
        .should().dependOnClassesThat().resideInAnyPackage("io.testbed.experiments.bundle..",
            "io.testbed.experiments.engine..", "io.testbed.experiments.bench..")
        .check(CLASSES);
  }

  @Test
  void loadGenDoesNotDependOnSpecs() {
    noClasses().that().resideInAPackage("io.testbed.experiments.loadgen..")
        .should().dependOnClassesThat().resideInAPackage("io.testbed.experiments.spec..").check(CLASSES);
  }
}
