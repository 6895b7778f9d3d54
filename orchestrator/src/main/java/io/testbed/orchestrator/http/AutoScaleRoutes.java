package io.testbed.orchestrator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.testbed.orchestrator.policy.autoscale.AutoScaleSettings;
import io.testbed.orchestrator.policy.autoscale.QTable;
import io.testbed.orchestrator.policy.autoscale.QTableJson;
import io.testbed.orchestrator.policy.autoscale.StateDiscretiser;
import io.testbed.orchestrator.store.FileQTableStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * AutoScale's Q-tables over REST (open GETs): {@code GET /autoscale/qtables} lists the stored tables
 * ({@code [{"device","model","url"}]}), {@code GET /autoscale/qtables/{device}/{model}} exports one as its JSON
 * ({@code QTableJson}: bins signature, update count, action ids, Q-values per state); 404 names a missing table.
 */
public final class AutoScaleRoutes extends AllDirectives {
  private final FileQTableStore store;
  private final ObjectMapper mapper;

  /** @param dir the Q-table folder, {@code <data-dir>/qtables} */
  public AutoScaleRoutes(Path dir, ObjectMapper mapper) {
    this.store = new FileQTableStore(dir, new QTableJson(new StateDiscretiser(AutoScaleSettings.defaults().bins())));
    this.mapper = mapper;
  }

  /** The routes, to mount under {@code /api/v1}. */
  public Route routes() {
    return pathPrefix("autoscale", () -> pathPrefix("qtables", () -> concat(
        pathEndOrSingleSlash(() -> get(this::list)),
        path(PathMatchers.segment().slash(PathMatchers.segment()), (device, model) -> get(() -> export(device, model))))));
  }

  private Route list() {
    List<QTable.Id> ids = store.ids().toCompletableFuture().join();
    ArrayNode out = mapper.createArrayNode();
    for (QTable.Id id : ids) {
      out.addObject().put("device", id.deviceId()).put("model", id.model())
          .put("url", "/api/v1/autoscale/qtables/" + id.deviceId() + "/" + id.model());
    }
    return json(StatusCodes.OK, out.toString());
  }

  private Route export(String device, String model) {
    Optional<String> json = store.json(new QTable.Id(device, model));
    if (json.isEmpty()) {
      return json(StatusCodes.NOT_FOUND, mapper.createObjectNode()
          .put("error", "no Q-table for device '" + device + "' and model '" + model + "'").toString());
    }
    return json(StatusCodes.OK, json.get());
  }

  private Route json(StatusCode status, String body) {
    return complete(HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }
}
