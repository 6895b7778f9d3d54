package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;

/**
 * Where one inference runs (SYSTEMS.md section 1): a local target (at a DVFS level where it has levels), a nearby
 * edge device, or a cloud server. {@link #id()} is the stable name used as a Q-table column and in reports.
 */
public sealed interface Action permits Action.Local, Action.Offload {

  /** Stable id: {@code cpu@1800} (target at MHz), {@code dsp} (no DVFS), {@code edge:edge-1}, {@code cloud:cloud-1}. */
  String id();

  /** The model variant's precision. */
  Precision precision();

  /** The {@code target} of the {@code InferenceCommand}: the local target id, or {@code offload}. */
  String commandTarget();

  /** The offload peer's device id, or null for a local action. */
  default String offloadTo() {
    return null;
  }

  /** The DVFS level to request, or null (a target without levels, or an offload). */
  default Integer dvfsLevelMHz() {
    return null;
  }

  /** A target of the device itself, e.g. the CPU at 1800 MHz, the GPU, the DSP with the INT8 model. */
  record Local(String targetId, TargetKind kind, Precision precision, Integer dvfsMHz) implements Action {
    public Local {
      if (targetId == null || targetId.isBlank()) throw new IllegalArgumentException("targetId is required");
      if (kind == null) throw new IllegalArgumentException("kind is required");
      if (precision == null) throw new IllegalArgumentException("precision is required");
      if (dvfsMHz != null && dvfsMHz <= 0) throw new IllegalArgumentException("dvfsMHz must be > 0, was " + dvfsMHz);
    }

    @Override
    public String id() {
      return dvfsMHz == null ? targetId : targetId + "@" + dvfsMHz;
    }

    @Override
    public String commandTarget() {
      return targetId;
    }

    @Override
    public Integer dvfsLevelMHz() {
      return dvfsMHz;
    }
  }

  /** Offload to a peer's endpoint: the command's target is {@code offload}, addressed to {@link #peerId()}. */
  sealed interface Offload extends Action permits Edge, Cloud {
    /** The peer device's id. */
    String peerId();

    @Override
    default String commandTarget() {
      return InferenceCommand.OFFLOAD;
    }

    @Override
    default String offloadTo() {
      return peerId();
    }

    /** The checks every offload's components pass. */
    static void require(String peerId, Precision precision) {
      if (peerId == null || peerId.isBlank()) throw new IllegalArgumentException("peerId is required");
      if (precision == null) throw new IllegalArgumentException("precision is required");
    }
  }

  /** Offload to a nearby edge device (a hello of kind {@code edge} with an endpoint). */
  record Edge(String peerId, Precision precision) implements Offload {
    public Edge {
      Offload.require(peerId, precision);
    }

    @Override
    public String id() {
      return "edge:" + peerId;
    }
  }

  /** Offload to a cloud server (a hello of kind {@code cloud} with an endpoint). */
  record Cloud(String peerId, Precision precision) implements Offload {
    public Cloud {
      Offload.require(peerId, precision);
    }

    @Override
    public String id() {
      return "cloud:" + peerId;
    }
  }
}
