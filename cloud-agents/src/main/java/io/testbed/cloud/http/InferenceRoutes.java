package io.testbed.cloud.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.testbed.agent.offload.OffloadContract;
import io.testbed.protocol.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The inference server's routes: {@code POST /v1/infer} (binary offload contract), {@code GET /v1/health}, {@code GET /v1/models},
 * and the recommendation routes ({@link RecRoutes}) when the server has a recommendation server.
 */
public final class InferenceRoutes extends AllDirectives {
  private final InferenceService service;
  private final long maxBodyBytes;
  private final RecRoutes rec;

  public InferenceRoutes(InferenceService service, long maxBodyBytes) {
    this(service, maxBodyBytes, null);
  }

  /** With {@code rec} non-null the recommendation routes ({@code /v1/rec/...}) are served too. */
  public InferenceRoutes(InferenceService service, long maxBodyBytes, RecRoutes rec) {
    this.service = service;
    this.maxBodyBytes = maxBodyBytes;
    this.rec = rec;
  }

  public Route routes() {
    Route offload = offloadRoutes();
    return rec == null ? offload : concat(rec.routes(), offload);
  }

  private Route offloadRoutes() {
    return concat(
        path(segment("v1").slash("infer"), this::infer),
        path(segment("v1").slash("health"), () -> get(() -> json(service.health()))),
        path(segment("v1").slash("models"), () -> get(() -> json(service.models().stream().map(service::modelInfo).toList()))));
  }

  private Route infer() {
    Route post = post(() -> withSizeLimit(maxBodyBytes, () -> extractRequest(req ->
        entity(Unmarshaller.entityToByteArray(), body ->
            completeWithFuture(service.infer(name -> header(req, name), body).thenApply(InferenceRoutes::toResponse))))));
    return concat(post,
        complete(StatusCodes.METHOD_NOT_ALLOWED, "POST " + OffloadContract.INFER_PATH + " with a float32 little-endian body\n"));
  }

  private Route json(Object value) {
    try {
      return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
          WireCodec.mapper().writeValueAsBytes(value))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode JSON", e);
    }
  }

  private static Optional<String> header(HttpRequest req, String name) {
    return req.getHeader(name).map(HttpHeader::value);
  }

  static HttpResponse toResponse(InferenceService.Reply r) {
    List<HttpHeader> headers = new ArrayList<>();
    for (Map.Entry<String, String> h : r.headers().entrySet()) headers.add(RawHeader.create(h.getKey(), h.getValue()));
    ContentType type = OffloadContract.CONTENT_TYPE.equals(r.contentType()) ? ContentTypes.APPLICATION_OCTET_STREAM : ContentTypes.TEXT_PLAIN_UTF8;
    return HttpResponse.create().withStatus(r.status()).addHeaders(headers).withEntity(HttpEntities.create(type, r.body()));
  }
}
