package io.testbed.cloud.rec;

/** What became of a query: served, rejected (full queue), failed (sub-request failure or timeout) or invalid. */
public sealed interface QueryOutcome {
  /** HTTP status the outcome maps to. */
  int status();

  /** Served: 200. */
  record Served(QueryResult result) implements QueryOutcome {
    @Override public int status() { return 200; }
  }

  /** The queue was full: 503. */
  record Rejected(String error) implements QueryOutcome {
    @Override public int status() { return 503; }
  }

  /** A sub-request failed (500) or the query timed out (504); the reason says which sub-request and why. */
  record Failed(long queryId, String error, boolean timedOut) implements QueryOutcome {
    @Override public int status() { return timedOut ? 504 : 500; }
  }

  /** Bad input (400 naming the field) or an unknown model (404). */
  record Invalid(int status, String error) implements QueryOutcome {}
}
