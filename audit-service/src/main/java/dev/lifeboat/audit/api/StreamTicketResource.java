package dev.lifeboat.audit.api;

import dev.lifeboat.audit.store.StreamTickets;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.io.IoWaits;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /api/v1/events/stream-tickets}: trades the caller's bearer token for a ticket that
 * opens the event stream once, within a minute, for a browser's {@code EventSource}, which cannot
 * send the Authorization header ({@link StreamTicketParameter}).
 */
@Path("/api/v1/events/stream-tickets")
@Produces(MediaType.APPLICATION_JSON)
public class StreamTicketResource {
  private final StreamTickets tickets;
  private final JsonWebToken caller;

  public StreamTicketResource(StreamTickets tickets, JsonWebToken caller) {
    this.tickets = tickets;
    this.caller = caller;
  }

  /** The ticket, how long it is good for, and the stream's URL with it. */
  public record Ticket(String ticket, long expiresInSeconds, String streamUrl) {}

  @POST
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "A single-use ticket for the event stream",
      description =
          "For a browser's EventSource, which cannot send headers: open"
              + " /api/v1/events/stream?ticket=<ticket> within 60 s. The ticket works once and"
              + " stands for the caller's token, which must still be valid then.")
  public Response issue() {
    String ticket = IoWaits.await(tickets.issue(caller.getRawToken()));
    return Response.status(Response.Status.CREATED)
        .entity(
            new Ticket(
                ticket,
                StreamTickets.LIFETIME.toSeconds(),
                StreamTicketParameter.PATH + "?" + StreamTicketParameter.PARAMETER + "=" + ticket))
        .build();
  }
}
