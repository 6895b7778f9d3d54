package io.testbed.orchestrator.actor;

/**
 * Marker for every actor message: bound to Pekko's {@code jackson-json} serializer in {@code reference.conf}, so that
 * twins and jobs can move across nodes (Cluster Sharding) without changing their protocols.
 */
public interface JsonSerializable {}
