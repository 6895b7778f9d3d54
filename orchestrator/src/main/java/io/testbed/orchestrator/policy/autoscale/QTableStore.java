package io.testbed.orchestrator.policy.autoscale;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Port: where Q-tables persist per device and model, so learning survives restarts (SYSTEMS.md section 1). Futures
 * never fail for expected problems (a missing table is an empty Optional). A file-based adapter stores
 * {@link QTableJson} text, one file per {@link QTable.Id}.
 */
public interface QTableStore {

  CompletionStage<Optional<QTable>> load(QTable.Id id);

  /** Stores a snapshot: later changes to {@code table} do not reach the store. */
  CompletionStage<Void> save(QTable table);

  CompletionStage<List<QTable.Id>> ids();
}
