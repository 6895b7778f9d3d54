package io.testbed.orchestrator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Folders show the architecture (STYLE.md rule 1): policies stay pure, HTTP does not reach into adapters. */
class ArchitectureTest {
  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      // Builds with -Dtb.build=target-<name> put tests in target-<name>/test-classes, which the option above misses.
      .withImportOption(location -> !location.contains("/test-classes/"))
      .importPackages("io.testbed.orchestrator");

  @Test
  void policiesAreFreeOfPekkoPahoInfluxAndOnnxRuntime() {
    noClasses().that().resideInAPackage("..policy..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.pekko..", "org.eclipse.paho..", "org.influxdb..", "ai.onnxruntime..", "io.moquette..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @Test
  void httpDoesNotDependOnAdapters() {
    noClasses().that().resideInAPackage("..http..")
        .should().dependOnClassesThat().resideInAPackage("..adapter..")
        .check(CLASSES);
  }

  @Test
  void actorsAndModelDoNotDependOnAdaptersOrHttp() {
    noClasses().that().resideInAnyPackage("..actor..", "..model..", "..policy..", "..port..")
        .should().dependOnClassesThat().resideInAnyPackage("..adapter..", "..http..", "..app..")
        .check(CLASSES);
  }
}
