package io.testbed.cloud.rec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A served query, as {@code POST /v1/rec/query} answers it. Times are server side: {@code latencyMs} from the query's
 * entry into the FIFO (or accelerator queue) until its last sub-request finished = {@code queueMs} (until its first
 * sub-request started) + {@code serviceMs} (from then until the last one finished).
 *
 * @param instance which co-located copy of the model served it
 * @param inputMs time spent generating or decoding its inputs before it entered the queue (not in latencyMs)
 * @param computeMs ONNX Runtime time summed over the sub-requests (work, not latency)
 * @param batchSize the B it was split with (N on the accelerator)
 * @param path {@code cpu} or {@code accelerator}
 * @param acceleratorSource {@code modelled} or {@code real} on the accelerator path; null on the CPU
 * @param modelledServiceMs the modelled accelerator's table time; null otherwise
 * @param note a remark on the times (CPU stand-in slower than the modelled accelerator), or null
 * @param digest first 16 hex chars of SHA-256 over the output floats (little-endian), null when not computed
 * @param outputs the output values (items x outputs per item) when asked for, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryResult(
    long queryId,
    String model,
    int instance,
    int items,
    double latencyMs,
    double queueMs,
    double serviceMs,
    double inputMs,
    double computeMs,
    int subRequests,
    int batchSize,
    String path,
    String acceleratorSource,
    Double modelledServiceMs,
    String note,
    String digest,
    float[] outputs) {}
