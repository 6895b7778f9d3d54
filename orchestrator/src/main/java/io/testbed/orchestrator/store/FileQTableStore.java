package io.testbed.orchestrator.store;

import io.testbed.orchestrator.policy.autoscale.QTable;
import io.testbed.orchestrator.policy.autoscale.QTableJson;
import io.testbed.orchestrator.policy.autoscale.QTableStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * AutoScale's Q-tables on disk: one {@link QTableJson} file per device and model, {@code <dir>/<device>/<model>.json}
 * (by default {@code <data-dir>/qtables/}). Saves write a temporary file and move it into place, so a reader never
 * sees half a table. Stateless besides the folder: several instances over one folder agree.
 */
public final class FileQTableStore implements QTableStore {
  private static final Pattern ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]+");
  private final Path dir;
  private final QTableJson codec;

  public FileQTableStore(Path dir, QTableJson codec) {
    this.dir = dir;
    this.codec = codec;
  }

  /** The folder of the tables. */
  public Path dir() {
    return dir;
  }

  @Override
  public CompletionStage<Optional<QTable>> load(QTable.Id id) {
    try {
      Optional<String> json = json(id);
      return CompletableFuture.completedFuture(json.map(codec::read));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Void> save(QTable table) {
    try {
      Path file = file(table.id());
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, codec.write(table), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new UncheckedIOException("cannot save Q-table " + table.id() + ": " + e.getMessage(), e));
    }
  }

  @Override
  public CompletionStage<List<QTable.Id>> ids() {
    List<QTable.Id> out = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> devices = Files.list(dir)) {
        for (Path d : devices.filter(Files::isDirectory).toList()) {
          try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.toList()) {
              String name = f.getFileName().toString();
              if (!name.endsWith(".json")) continue;
              String model = name.substring(0, name.length() - ".json".length());
              if (ID.matcher(model).matches() && ID.matcher(d.getFileName().toString()).matches()) {
                out.add(new QTable.Id(d.getFileName().toString(), model));
              }
            }
          }
        }
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new UncheckedIOException(e));
      }
    }
    out.sort(Comparator.comparing(QTable.Id::deviceId).thenComparing(QTable.Id::model));
    return CompletableFuture.completedFuture(out);
  }

  /** The stored JSON text of a table (what the REST export sends), empty when there is none or the id is not a name. */
  public Optional<String> json(QTable.Id id) {
    if (!ID.matcher(id.deviceId()).matches() || !ID.matcher(id.model()).matches()) return Optional.empty();
    Path f = file(id);
    if (!Files.isRegularFile(f)) return Optional.empty();
    try {
      return Optional.of(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Q-table " + f + ": " + e.getMessage(), e);
    }
  }

  private Path file(QTable.Id id) {
    if (!ID.matcher(id.deviceId()).matches() || !ID.matcher(id.model()).matches()) {
      throw new IllegalArgumentException("device and model must be names [A-Za-z0-9._-]+: " + id);
    }
    return dir.resolve(id.deviceId()).resolve(id.model() + ".json");
  }
}
