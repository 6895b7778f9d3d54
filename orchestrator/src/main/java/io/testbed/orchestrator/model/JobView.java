package io.testbed.orchestrator.model;

import io.testbed.protocol.InferenceResult;
import java.util.List;

/**
 * A job as served by {@code GET /api/v1/jobs/{id}}: its request, progress, summary so far and every result (as on the
 * wire; timeouts and refusals the orchestrator detected itself appear as results with outcome timeout/failed/rejected).
 *
 * @param done results received so far (ok or not)
 * @param failed results whose outcome is not ok
 * @param error why the job failed, null otherwise
 * @param results null in list views
 */
public record JobView(
    String jobId,
    JobStatus status,
    JobRequest request,
    int done,
    int failed,
    int total,
    JobSummary summary,
    String error,
    long submittedNs,
    Long finishedNs,
    List<InferenceResult> results) {}
