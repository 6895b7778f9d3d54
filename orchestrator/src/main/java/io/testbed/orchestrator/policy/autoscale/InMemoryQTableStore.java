package io.testbed.orchestrator.policy.autoscale;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link QTableStore} in memory, holding each table as its JSON text (so it behaves like a file store: snapshots,
 * and the codec is exercised). For tests and runs that need no persistence.
 */
public final class InMemoryQTableStore implements QTableStore {
  private final QTableJson codec;
  private final ConcurrentHashMap<QTable.Id, String> tables = new ConcurrentHashMap<>();

  public InMemoryQTableStore(QTableJson codec) {
    this.codec = codec;
  }

  @Override
  public CompletionStage<Optional<QTable>> load(QTable.Id id) {
    String json = tables.get(id);
    return CompletableFuture.completedFuture(json == null ? Optional.empty() : Optional.of(codec.read(json)));
  }

  @Override
  public CompletionStage<Void> save(QTable table) {
    tables.put(table.id(), codec.write(table));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<QTable.Id>> ids() {
    return CompletableFuture.completedFuture(tables.keySet().stream()
        .sorted(Comparator.comparing(QTable.Id::deviceId).thenComparing(QTable.Id::model)).toList());
  }

  /** The stored JSON of a table, or empty (what a REST export would send). */
  public Optional<String> json(QTable.Id id) {
    return Optional.ofNullable(tables.get(id));
  }
}
