package dev.lifeboat.common.probe;

import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.DatabaseName;
import dev.lifeboat.common.databases.TargetDatabases;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.Map;

/** Endpoints that exercise the shared API conventions the way services use them. */
@Path("/test/probe")
public class ProbeResource {
  private final TargetDatabases targets;

  public ProbeResource(TargetDatabases targets) {
    this.targets = targets;
  }

  public enum Mode {
    FAST,
    SAFE
  }

  public record Request(
      @DatabaseName String database,
      @Size(max = 2) Map<String, @Size(max = 5) String> labels,
      Mode mode,
      List<String> tables) {}

  @GET
  @RolesAllowed(Roles.VIEWER)
  public Map<String, Object> read(@QueryParam("limit") @Max(100) Integer limit) {
    return Map.of("ok", true, "limit", limit == null ? 20 : limit);
  }

  @POST
  @RolesAllowed(Roles.PIPELINE)
  public Map<String, String> request(@Valid @NotNull Request request) {
    return Map.of("database", targets.get(request.database()).name());
  }

  @DELETE
  @RolesAllowed(Roles.ADMIN)
  public Map<String, Boolean> delete() {
    return Map.of("deleted", true);
  }

  @GET
  @Path("/missing/{id}")
  @RolesAllowed(Roles.VIEWER)
  public String missing(@PathParam("id") String id) {
    throw new NotFoundException("backup " + id + " does not exist");
  }

  @GET
  @Path("/boom")
  @RolesAllowed(Roles.VIEWER)
  public String boom() {
    throw new IllegalStateException("secret internal detail");
  }

  @GET
  @Path("/unannotated")
  public String unannotated() {
    return "nobody should see this";
  }
}
