package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./testbed up}: the embedded default, kept running for scripts until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start the embedded broker, the orchestrator and the emulated fleet (phone, edge box, sensor node, cloud); keep running.")
final class UpCommand implements Callable<Integer> {
  @Mixin AllInOneOptions options = new AllInOneOptions();

  @Override
  public Integer call() throws Exception {
    AllInOne all = AllInOne.start(options.load(-1, -1));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      all.close();
      stopped.countDown();
    }, "testbed-shutdown"));
    System.out.println(describe(all));
    System.out.println("Running. Press Ctrl-C to stop.");
    stopped.await();
    return 0;
  }

  static String describe(AllInOne all) {
    StringBuilder sb = new StringBuilder();
    JsonNode health = all.api().health();
    sb.append(String.format(Locale.ROOT, "testbed is up in %.1f s%n", all.coldStart().toMillis() / 1000.0));
    sb.append("  REST API     ").append(all.orchestrator().restUrl()).append("/api/v1   (try: curl ")
        .append(all.orchestrator().restUrl()).append("/api/v1/devices)\n");
    sb.append("  MQTT broker  ").append(all.orchestrator().brokerUrl()).append(" (embedded)\n");
    sb.append("  time series  ").append(health.path("timeseries").toString()).append('\n');
    sb.append("  agent logs   ").append(all.logDir().toAbsolutePath().normalize()).append('\n');
    sb.append(String.format(Locale.ROOT, "  %-14s %-7s %-12s %-8s %s%n", "device", "kind", "profile", "status", "targets"));
    for (JsonNode d : all.api().devices()) {
      StringBuilder targets = new StringBuilder();
      for (JsonNode t : d.path("targets")) {
        targets.append(t.path("id").asText()).append('/').append(t.path("precision").asText());
        if (t.path("modelled").asBoolean()) targets.append("(modelled)");
        targets.append(' ');
      }
      sb.append(String.format(Locale.ROOT, "  %-14s %-7s %-12s %-8s %s%n", d.path("id").asText(), d.path("kind").asText(),
          d.path("profile").asText(), d.path("status").asText(), targets.toString().trim()));
      for (JsonNode n : d.path("notes")) sb.append("      note: ").append(n.asText()).append('\n');
    }
    return sb.toString();
  }
}
