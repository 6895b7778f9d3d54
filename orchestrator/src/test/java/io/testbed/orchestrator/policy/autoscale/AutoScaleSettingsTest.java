package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AutoScaleSettingsTest {
  static final AutoScaleSettings D = AutoScaleSettings.defaults();

  @Test
  void defaultsAreThoseOfSystemsSection1() {
    assertThat(D.learning()).isEqualTo(new AutoScaleSettings.Learning(0.9, 0.1, 0.1, 1.0, 0.0, 0.0));
    assertThat(D.bins().convLayers().count()).isEqualTo(3);
    assertThat(D.bins().fcLayers().count()).isEqualTo(2);
    assertThat(D.bins().coRunnerCpu().count()).isEqualTo(4);
    assertThat(D.bins().rssiDbm().upperBounds()).containsExactly(-80.0);
    assertThat(D.objective().maskAccuracyViolations()).isTrue();
  }

  static Stream<Arguments> bad() {
    AutoScaleSettings.Learning l = D.learning();
    AutoScaleSettings.Objective o = D.objective();
    AutoScaleSettings.StateBins b = D.bins();
    return Stream.of(
        learning(() -> new AutoScaleSettings.Learning(0, l.gamma(), l.epsilon(), 1, 0, 0), "learning.alpha must be in (0, 1], was 0.0"),
        learning(() -> new AutoScaleSettings.Learning(1.1, l.gamma(), l.epsilon(), 1, 0, 0), "learning.alpha"),
        learning(() -> new AutoScaleSettings.Learning(l.alpha(), 1, l.epsilon(), 1, 0, 0), "learning.gamma must be in [0, 1)"),
        learning(() -> new AutoScaleSettings.Learning(l.alpha(), l.gamma(), -0.1, 1, 0, 0), "learning.epsilon must be in [0, 1]"),
        learning(() -> new AutoScaleSettings.Learning(l.alpha(), l.gamma(), 0.1, 0, 0, 0), "learning.epsilon-decay"),
        learning(() -> new AutoScaleSettings.Learning(l.alpha(), l.gamma(), 0.1, 0.99, 0.2, 0), "learning.epsilon-min"),
        learning(() -> new AutoScaleSettings.Learning(l.alpha(), l.gamma(), 0.1, 1, 0, Double.NaN), "learning.initial-q"),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> s.withObjective(
            new AutoScaleSettings.Objective(0, o.accuracyTarget(), 1, 1, true)), "objective.qos-latency-ms"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> s.withObjective(
            new AutoScaleSettings.Objective(50, 1.5, 1, 1, true)), "objective.accuracy-target must be in [0, 1], was 1.5"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> s.withObjective(
            new AutoScaleSettings.Objective(50, 0.5, -1, 1, true)), "objective.violation-penalty"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> s.withObjective(
            new AutoScaleSettings.Objective(50, 0.5, 1, Double.POSITIVE_INFINITY, true)), "objective.failure-penalty"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> new AutoScaleSettings(
            new AutoScaleSettings.StateBins(Bins.of(50, 30), b.fcLayers(), b.recurrentLayers(), b.macs(),
                b.coRunnerCpu(), b.memoryPressure(), b.rssiDbm()), s.learning(), s.objective()),
            "bins.conv-layers.upper-bounds must be strictly ascending"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> new AutoScaleSettings(
            new AutoScaleSettings.StateBins(b.convLayers(), b.fcLayers(), b.recurrentLayers(), b.macs(),
                Bins.withZero(0, 0.5), b.memoryPressure(), b.rssiDbm()), s.learning(), s.objective()),
            "bins.co-runner-cpu.upper-bounds[0] must be > 0 with a zero bin"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> new AutoScaleSettings(
            new AutoScaleSettings.StateBins(b.convLayers(), b.fcLayers(), b.recurrentLayers(), b.macs(),
                b.coRunnerCpu(), b.memoryPressure(), Bins.of(-80).labelled("weak")), s.learning(), s.objective()),
            "bins.rssi-dbm.labels must have one label per bin (2), had 1"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> new AutoScaleSettings(
            new AutoScaleSettings.StateBins(b.convLayers(), b.fcLayers(), b.recurrentLayers(), Bins.of(Double.NaN),
                b.coRunnerCpu(), b.memoryPressure(), b.rssiDbm()), s.learning(), s.objective()),
            "bins.macs.upper-bounds[0] must be finite"}),
        Arguments.of(new Object[] {(UnaryOperator<AutoScaleSettings>) s -> new AutoScaleSettings(null, s.learning(),
            s.objective()), "bins is required"}));
  }

  private static Arguments learning(java.util.function.Supplier<AutoScaleSettings.Learning> make, String message) {
    return Arguments.of((UnaryOperator<AutoScaleSettings>) s -> s.withLearning(make.get()), message);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("bad")
  void badValuesAreRefusedNamingTheField(UnaryOperator<AutoScaleSettings> change, String message) {
    assertThatThrownBy(() -> change.apply(D)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid autoscale configuration: ").hasMessageContaining(message);
  }

  @Test
  void everyProblemIsListedAtOnce() {
    assertThatThrownBy(() -> new AutoScaleSettings(D.bins(), new AutoScaleSettings.Learning(2, 2, 2, 1, 0, 0),
        new AutoScaleSettings.Objective(-1, 0, 1, 1, true)))
        .hasMessageContaining("learning.alpha").hasMessageContaining("learning.gamma")
        .hasMessageContaining("learning.epsilon must").hasMessageContaining("objective.qos-latency-ms");
  }

  @Test
  void binsSignatureChangesWithTheBins() {
    AutoScaleSettings.StateBins b = D.bins();
    AutoScaleSettings.StateBins other = new AutoScaleSettings.StateBins(Bins.of(20, 50), b.fcLayers(),
        b.recurrentLayers(), b.macs(), b.coRunnerCpu(), b.memoryPressure(), b.rssiDbm());
    assertThat(other.signature()).isNotEqualTo(b.signature());
    assertThat(b.signature()).isEqualTo(AutoScaleSettings.StateBins.defaults().signature())
        .startsWith("conv:<30|<50|>=50 fc:<10|>=10 rnn:=no|=yes@1 macs:<500M|<2G|>=2G cpu:=0|<0.25|<0.75|>=0.75")
        .endsWith("rssi:=weak|=regular@-80");
    AutoScaleSettings.StateBins weakAt70 = new AutoScaleSettings.StateBins(b.convLayers(), b.fcLayers(),
        b.recurrentLayers(), b.macs(), b.coRunnerCpu(), b.memoryPressure(), Bins.of(-70).labelled("weak", "regular"));
    assertThat(weakAt70.signature()).isNotEqualTo(b.signature()).endsWith("rssi:=weak|=regular@-70");
    assertThat(List.of(b.rssiDbm().label(0), b.rssiDbm().label(1))).containsExactly("=weak", "=regular");
  }
}
