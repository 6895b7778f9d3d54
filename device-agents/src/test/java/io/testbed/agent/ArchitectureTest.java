package io.testbed.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way: decisions and models stay free of I/O libraries; only adapters touch Paho and sysfs. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // builds with -Dtb.build=target-<name> put tests in target-<name>/test-classes, which the option above misses
          .withImportOption(location -> !location.contains("/test-classes/")).importPackages("io.testbed.agent");

  @Test
  void pureLogicHasNoPahoOnnxRuntimeOrPekko() {
    noClasses().that().resideInAnyPackage("io.testbed.agent.power..", "io.testbed.agent.config..", "io.testbed.agent.port..",
            "io.testbed.agent.network..", "io.testbed.agent.interference..")
        .or().haveSimpleName("TargetTiming").or().haveSimpleName("CommandValidator")
        .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.paho..", "ai.onnxruntime..", "org.apache.pekko..")
        .check(CLASSES);
  }

  @Test
  void onlyTheMqttAdapterUsesPaho() {
    noClasses().that().resideOutsideOfPackage("io.testbed.agent.adapter.mqtt..")
        .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
        .check(CLASSES);
  }

  @Test
  void adaptersDoNotReachIntoTheApp() {
    noClasses().that().resideInAPackage("io.testbed.agent.adapter..")
        .should().dependOnClassesThat().resideInAnyPackage("io.testbed.agent.app..", "io.testbed.agent.exec..")
        .check(CLASSES);
  }
}
