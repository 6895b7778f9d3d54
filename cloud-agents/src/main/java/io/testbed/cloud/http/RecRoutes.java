package io.testbed.cloud.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.testbed.cloud.rec.RecApi;
import io.testbed.protocol.WireCodec;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The recommendation server's routes under {@code /v1/rec}: {@code POST query} (JSON or binary), {@code GET|PUT config},
 * {@code GET stats}, {@code POST stats/reset}. Queries complete from the server's CompletionStage, never blocking
 * Pekko's dispatcher.
 */
public final class RecRoutes extends AllDirectives {
  private final RecApi api;
  private final long maxBodyBytes;

  public RecRoutes(RecApi api, long maxBodyBytes) {
    this.api = api;
    this.maxBodyBytes = maxBodyBytes;
  }

  public Route routes() {
    return concat(
        path(segment("v1").slash("rec").slash("query"), () -> concat(
            post(() -> withSizeLimit(maxBodyBytes, () -> extractRequest(req -> entity(Unmarshaller.entityToByteArray(), body -> {
              boolean binary = isBinary(req, body);
              return completeWithFuture((binary ? api.queryBinary(name -> header(req, name), body) : api.queryJson(body))
                  .thenApply(RecRoutes::toResponse));
            })))),
            notAllowed("POST /v1/rec/query"))),
        path(segment("v1").slash("rec").slash("config"), () -> concat(
            get(() -> complete(toResponse(api.config()))),
            put(() -> entity(Unmarshaller.entityToByteArray(), body -> complete(toResponse(api.putConfig(body))))),
            notAllowed("GET or PUT /v1/rec/config"))),
        path(segment("v1").slash("rec").slash("stats"), () -> concat(
            get(() -> complete(toResponse(api.stats()))),
            notAllowed("GET /v1/rec/stats"))),
        path(segment("v1").slash("rec").slash("stats").slash("reset"), () -> concat(
            post(() -> complete(toResponse(api.resetStats()))),
            notAllowed("POST /v1/rec/stats/reset"))));
  }

  /**
   * A binary query carries X-Model or X-Items; a body sent as octet-stream that does not start like JSON counts as one
   * too (so a forgotten header is reported as such). Pekko gives a request without Content-Type octet-stream.
   */
  static boolean isBinary(HttpRequest req, byte[] body) {
    if (req.getHeader(RecApi.MODEL_HEADER).isPresent() || req.getHeader(RecApi.ITEMS_HEADER).isPresent()) return true;
    if (!RecApi.BINARY_CONTENT_TYPE.equals(req.entity().getContentType().mediaType().toString())) return false;
    for (byte b : body) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') continue;
      return b != '{' && b != '[';
    }
    return false;
  }

  private Route notAllowed(String what) {
    return complete(toResponse(new RecApi.Reply(405, java.util.Map.of("error", "method not allowed: use " + what))));
  }

  private static Optional<String> header(HttpRequest req, String name) {
    return req.getHeader(name).map(HttpHeader::value);
  }

  static HttpResponse toResponse(RecApi.Reply r) {
    try {
      return HttpResponse.create().withStatus(StatusCodes.get(r.status()))
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, WireCodec.mapper().writeValueAsBytes(r.body())));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode JSON", e);
    }
  }
}
