package dev.lifeboat.audit.api;

import dev.lifeboat.audit.store.StreamTickets;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Lets a browser's {@code EventSource}, which cannot send headers, authenticate to the event stream
 * without a token in the URL: {@code GET /api/v1/events/stream?ticket=<ticket>} redeems a ticket
 * from {@code POST /api/v1/events/stream-tickets} (single use, 60 s) for the bearer token it was
 * issued against, which is then verified like any other. A used, expired or unknown ticket
 * authenticates nothing (401). Only on that path, and only when no Authorization header is present.
 * A JWT in the query string ({@code access_token}) is not accepted: URLs end up in proxy logs.
 */
@ApplicationScoped
public class StreamTicketParameter {
  static final String PATH = "/api/v1/events/stream";
  static final String PARAMETER = "ticket";

  private final StreamTickets tickets;

  public StreamTicketParameter(StreamTickets tickets) {
    this.tickets = tickets;
  }

  void install(@Observes Router router) {
    router
        .route(PATH)
        .order(-100)
        .handler(
            rc -> {
              String ticket = rc.request().getParam(PARAMETER);
              if (ticket == null
                  || ticket.length() > 100
                  || rc.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
                rc.next();
                return;
              }
              rc.request().pause();
              tickets
                  .redeem(ticket)
                  .subscribe()
                  .with(
                      token -> {
                        token.ifPresent(
                            t ->
                                rc.request()
                                    .headers()
                                    .set(HttpHeaders.AUTHORIZATION, "Bearer " + t));
                        rc.request().resume();
                        rc.next();
                      },
                      failure -> {
                        rc.request().resume();
                        rc.fail(503, failure);
                      });
            });
  }
}
