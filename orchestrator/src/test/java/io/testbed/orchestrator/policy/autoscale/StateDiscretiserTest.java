package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.ModelFeatures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateDiscretiserTest {
  static final AutoScaleSettings.StateBins BINS = AutoScaleSettings.StateBins.defaults();
  static final StateDiscretiser D = new StateDiscretiser(BINS);

  @ParameterizedTest(name = "conv {0} -> {1}")
  @CsvSource({"0, 0, <30", "29, 0, <30", "30, 1, <50", "49, 1, <50", "50, 2, >=50", "152, 2, >=50"})
  void convLayers(int layers, int bin, String label) {
    assertThat(BINS.convLayers().bin(layers)).isEqualTo(bin);
    assertThat(BINS.convLayers().label(bin)).isEqualTo(label);
  }

  @ParameterizedTest(name = "fc {0} -> {1}")
  @CsvSource({"0, 0, <10", "9, 0, <10", "10, 1, >=10", "40, 1, >=10"})
  void fcLayers(int layers, int bin, String label) {
    assertThat(BINS.fcLayers().bin(layers)).isEqualTo(bin);
    assertThat(BINS.fcLayers().label(bin)).isEqualTo(label);
  }

  @ParameterizedTest(name = "recurrent {0} -> {1}")
  @CsvSource({"0, 0, =no", "1, 1, =yes", "12, 1, =yes"})
  void recurrentLayers(int layers, int bin, String label) {
    assertThat(BINS.recurrentLayers().bin(layers)).isEqualTo(bin);
    assertThat(BINS.recurrentLayers().label(bin)).isEqualTo(label);
  }

  @ParameterizedTest(name = "macs {0} -> {1}")
  @CsvSource({"300000000, 0, <500M", "499999999, 0, <500M", "500000000, 1, <2G", "4100000000, 2, >=2G"})
  void macs(long macs, int bin, String label) {
    assertThat(BINS.macs().bin(macs)).isEqualTo(bin);
    assertThat(BINS.macs().label(bin)).isEqualTo(label);
  }

  @ParameterizedTest(name = "co-runner cpu {0} -> {1}")
  @CsvSource({"0, 0, =0", "0.01, 1, <0.25", "0.2499, 1, <0.25", "0.25, 2, <0.75", "0.7499, 2, <0.75", "0.75, 3, >=0.75",
      "1, 3, >=0.75"})
  void coRunnerCpu(double load, int bin, String label) {
    assertThat(BINS.coRunnerCpu().bin(load)).isEqualTo(bin);
    assertThat(BINS.coRunnerCpu().label(bin)).isEqualTo(label);
  }

  @ParameterizedTest(name = "memory pressure {0} -> {1}")
  @CsvSource({"0, 0", "0.1, 1", "0.5, 2", "0.9, 3"})
  void memoryPressure(double p, int bin) {
    assertThat(BINS.memoryPressure().bin(p)).isEqualTo(bin);
  }

  @ParameterizedTest(name = "rssi {0} dBm -> {1}")
  @CsvSource({"-40, 1, =regular", "-79.9, 1, =regular", "-80, 1, =regular", "-80.1, 0, =weak", "-110, 0, =weak"})
  void rssiWeakBelowMinus80(double dbm, int bin, String label) {
    assertThat(BINS.rssiDbm().bin(dbm)).isEqualTo(bin);
    assertThat(BINS.rssiDbm().label(bin)).isEqualTo(label);
  }

  @Test
  void keyBinsEveryAxisAndEachLinkSortedAndMissingLinksAreUnknown() {
    Observation o = Observation.of(new ModelFeatures(53, 10, 2, 4_100_000_000L, 0, List.of()), 0.5, 0.0,
        Map.of("edge-1", -85.0, "other", -50.0));
    StateKey k = D.key(o, List.of("edge-1", "cloud-1"));
    assertThat(k).isEqualTo(new StateKey(2, 1, 1, 2, 2, 0,
        List.of(new StateKey.LinkBin("cloud-1", StateKey.UNKNOWN), new StateKey.LinkBin("edge-1", 0))));
    assertThat(D.text(k)).isEqualTo("conv>=50 fc>=10 rnn=yes macs>=2G cpu<0.75 mem=0 rssi[cloud-1]=unknown rssi[edge-1]=weak");
  }

  @Test
  void equalObservationsGiveEqualKeysAndADifferentBinADifferentKey() {
    Map<String, Double> rssi = new HashMap<>(Map.of("cloud-1", -60.0));
    StateKey a = D.key(Observation.of(AutoScaleFixtures.MOBILENET, 0.3, 0, rssi), List.of("cloud-1"));
    StateKey b = D.key(Observation.of(AutoScaleFixtures.MOBILENET, 0.7, 0, rssi), List.of("cloud-1"));
    rssi.put("cloud-1", -90.0);
    StateKey c = D.key(Observation.of(AutoScaleFixtures.MOBILENET, 0.3, 0, rssi), List.of("cloud-1"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(c).isNotEqualTo(a);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0",
      "conv<50 fc>=10 rnn=yes macs<2G cpu>=0.75 mem<0.25 rssi[cloud-1]=weak",
      "conv>=50 fc<10 rnn=no macs>=2G cpu<0.25 mem<0.75 rssi[cloud-1]=regular rssi[edge-1]=unknown"})
  void textRoundTrips(String text) {
    assertThat(D.text(D.parse(text))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "conv<30 fc<10 rnn=no macs<500M cpu=0|at least 6 tokens",
      "fc<10 conv<30 rnn=no macs<500M cpu=0 mem=0|expected axis 'conv'",
      "conv<31 fc<10 rnn=no macs<500M cpu=0 mem=0|unknown bin 'conv<31'",
      "conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0 rssi[x]=poor|unknown rssi bin '=poor'",
      "conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0 wifi=weak|not rssi[peer]=label"})
  void badTextIsRefusedNamingTheToken(String text, String message) {
    assertThatThrownBy(() -> D.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void customBinsChangeTheKey() {
    Bins twoLevels = Bins.withZero(0.5);
    assertThat(List.of(0.0, 0.2, 0.5, 0.9).stream().map(twoLevels::bin).toList()).containsExactly(0, 1, 2, 2);
    assertThat(twoLevels.count()).isEqualTo(3);
  }
}
