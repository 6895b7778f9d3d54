package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One injected event: at {@code atMs} after the start of a repetition, apply {@code action} (e.g.
 * {@code interference}, {@code network}) to {@code device} or {@code target}, with free-form {@code params}. Later
 * issues give actions their meaning; this module only checks the generic shape.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelineEvent(long atMs, String action, String device, String target, JsonNode params) {}
