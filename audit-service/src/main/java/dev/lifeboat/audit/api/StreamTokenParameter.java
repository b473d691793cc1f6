package dev.lifeboat.audit.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Lets a browser's {@code EventSource}, which cannot send headers, authenticate to the event
 * stream: {@code GET /api/v1/events/stream?access_token=<JWT>} is treated as {@code Authorization:
 * Bearer <JWT>}. Only on that path, and only when no Authorization header is present; the token is
 * then verified like any other. (A token in a URL can end up in proxy logs: prefer the header
 * wherever the client can send one, as the dashboard does.)
 */
@ApplicationScoped
public class StreamTokenParameter {
  static final String PATH = "/api/v1/events/stream";
  static final String PARAMETER = "access_token";

  void install(@Observes Router router) {
    router
        .route(PATH)
        .order(-100)
        .handler(
            rc -> {
              String token = rc.request().getParam(PARAMETER);
              if (token != null && rc.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
                rc.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
              }
              rc.next();
            });
  }
}
