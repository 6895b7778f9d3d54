package io.testbed.experiments.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryCsvTest {
  private static QueryRecord q(long id, Outcome o) {
    return new QueryRecord(id, 1, List.of((int) id), id * 10, id * 10 + 1, id * 10 + 5, 5, "phone-1", "cpu", o,
        o == Outcome.OK ? null : "timeout: no answer", 0.25, PowerSource.MODELLED, o == Outcome.OK ? "abc" : null);
  }

  @Test
  void meteredColumnsSitBesideTheDevicesFigureAndReadBack(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("queries.csv");
    Map<Integer, List<QueryRecord>> records = Map.of(1, List.of(q(1, Outcome.OK), q(2, Outcome.OK), q(3, Outcome.TIMEOUT)),
        2, List.of(q(1, Outcome.OK)));
    Map<Integer, Map<Long, MeteredQueryEnergy>> metered = Map.of(
        1, Map.of(1L, new MeteredQueryEnergy("phone-1-ina", 0.3125, 0.0004, "integrated", "metered"),
            2L, new MeteredQueryEnergy("phone-1-ina", 0.29, 0.002, "window-average", "metered")),
        2, Map.of(1L, new MeteredQueryEnergy("phone-1-model", null, null, "unavailable", "modelled")));
    QueryCsv.write(f, records, metered);
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0)).isEqualTo("repetition,queryId,sampleCount,samples,scheduledNs,issuedNs,completedNs,latencyNs,"
        + "device,target,outcome,reason,energyJ,energySource,digest,meteredEnergyJ,meteredEnergyUncertaintyJ,"
        + "meteredEnergyMethod,meteredEnergySource,meter");
    assertThat(lines.get(1)).endsWith(",0.25,modelled,abc,0.3125,4.0E-4,integrated,metered,phone-1-ina");
    assertThat(lines.get(2)).endsWith(",window-average,metered,phone-1-ina");
    assertThat(lines.get(3)).endsWith(",0.25,modelled,,,,none,,");
    assertThat(lines.get(4)).endsWith(",0.25,modelled,abc,,,unavailable,modelled,phone-1-model");
    assertThat(QueryCsv.read(f)).isEqualTo(Map.of(1, records.get(1), 2, records.get(2)));
    assertThat(QueryCsv.readMetered(f)).isEqualTo(metered);
  }

  @Test
  void withoutAMeterEveryQuerySaysNoneAndOldFilesStillRead(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("queries.csv");
    Map<Integer, List<QueryRecord>> records = Map.of(1, List.of(q(1, Outcome.OK)));
    QueryCsv.write(f, records);
    assertThat(Files.readAllLines(f).get(1)).endsWith(",none,,");
    assertThat(QueryCsv.readMetered(f)).isEmpty();
    // a bundle written before the meter columns existed
    Path old = dir.resolve("old.csv");
    Files.writeString(old, String.join(",", QueryCsv.BASE_HEADER) + "\n1,1,1,1,10,11,15,5,phone-1,cpu,ok,,0.25,modelled,abc\n");
    assertThat(QueryCsv.read(old)).isEqualTo(records);
    assertThat(QueryCsv.readMetered(old)).isEmpty();
  }
}
