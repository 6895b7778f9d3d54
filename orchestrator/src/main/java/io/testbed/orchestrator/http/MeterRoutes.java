package io.testbed.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.orchestrator.actor.DeviceRegistry;
import io.testbed.orchestrator.actor.PowerKeeper;
import io.testbed.protocol.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Meters and clocks under {@code /api/v1}: {@code GET /meters}, {@code GET /meters/{id}}, {@code GET /meters/{id}/energy}
 * (recent per-inference energies), {@code GET /energy/{runOrJobId}} (those of one run or job), {@code PUT /meters/{id}/binding} {@code {"deviceId":"phone-1"}} and
 * {@code DELETE /meters/{id}/binding} (token-protected; 404 unknown meter or device), {@code GET /clocks}.
 */
public final class MeterRoutes extends AllDirectives {
  private final ActorRef<DeviceRegistry.Command> registry;
  private final Scheduler scheduler;
  private final Duration askTimeout;
  private final ObjectMapper mapper;
  private final Marshaller<Object, RequestEntity> json;
  private final Function<Supplier<Route>, Route> authorized;

  public MeterRoutes(ActorRef<DeviceRegistry.Command> registry, Scheduler scheduler, Duration askTimeout, ObjectMapper mapper,
      Marshaller<Object, RequestEntity> json, Function<Supplier<Route>, Route> authorized) {
    this.registry = registry;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
    this.mapper = mapper;
    this.json = json;
    this.authorized = authorized;
  }

  public Route routes() {
    return concat(
        path("clocks", () -> get(() -> onSuccess(askPower(PowerKeeper.ListClocks::new), c -> ok(c.clocks())))),
        pathPrefix("energy", () -> path(PathMatchers.segment(), run -> get(() -> onSuccess(
            askPower((ActorRef<PowerKeeper.RunEnergies> r) -> new PowerKeeper.GetRunEnergies(run, r)), e -> ok(e.energies()))))),
        pathPrefix("meters", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> onSuccess(askPower(PowerKeeper.ListMeters::new), m -> ok(m.meters())))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                pathEndOrSingleSlash(() -> get(() -> onSuccess(
                    askPower((ActorRef<PowerKeeper.MeterLookup> r) -> new PowerKeeper.GetMeter(id, r)), this::meterOr404))),
                path("energy", () -> get(() -> onSuccess(
                    askPower((ActorRef<PowerKeeper.Energies> r) -> new PowerKeeper.GetEnergies(id, r)),
                    e -> e.energies() == null ? unknownMeter(id) : ok(e.energies())))),
                path("binding", () -> concat(
                    put(() -> authorized.apply(() -> entity(Unmarshaller.entityToString(), body -> bind(id, body)))),
                    delete(() -> authorized.apply(() -> onSuccess(
                        askPower((ActorRef<PowerKeeper.MeterLookup> r) -> new PowerKeeper.Bind(id, null, r)), this::meterOr404))))))))));
  }

  private Route bind(String meterId, String body) {
    String deviceId;
    try {
      JsonNode n = mapper.readTree(body);
      if (n == null || !n.isObject() || !n.path("deviceId").isTextual()) {
        return error(StatusCodes.BAD_REQUEST, "body must be {\"deviceId\": \"<device id>\"}");
      }
      deviceId = Topics.requireSegment(n.get("deviceId").asText());
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, "deviceId: " + e.getMessage());
    } catch (Exception e) {
      return error(StatusCodes.BAD_REQUEST, "body is not JSON: " + e.getMessage());
    }
    String device = deviceId;
    CompletionStage<DeviceRegistry.DeviceLookup> lookup =
        AskPattern.ask(registry, r -> new DeviceRegistry.GetDevice(device, r), askTimeout, scheduler);
    return onSuccess(lookup, l -> l instanceof DeviceRegistry.DeviceNotFound
        ? error(StatusCodes.NOT_FOUND, "unknown device '" + device + "'")
        : onSuccess(askPower((ActorRef<PowerKeeper.MeterLookup> r) -> new PowerKeeper.Bind(meterId, device, r)), this::meterOr404));
  }

  private Route meterOr404(PowerKeeper.MeterLookup l) {
    return l.meter() == null ? unknownMeter(l.meterId()) : ok(l.meter());
  }

  private Route unknownMeter(String id) {
    return error(StatusCodes.NOT_FOUND, "unknown meter '" + id + "'");
  }

  private <R> CompletionStage<R> askPower(Function<ActorRef<R>, PowerKeeper.Command> message) {
    return AskPattern.ask(registry, (ActorRef<R> r) -> new DeviceRegistry.ToPower(message.apply(r)), askTimeout, scheduler);
  }

  private Route ok(Object body) {
    return complete(StatusCodes.OK, body, json);
  }

  private Route error(StatusCode status, String message) {
    return complete(status, Map.of("error", message), json);
  }
}
