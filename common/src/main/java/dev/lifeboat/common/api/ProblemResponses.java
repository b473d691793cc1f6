package dev.lifeboat.common.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents the error responses every Lifeboat API operation shares, once for all services: 401 (no
 * valid bearer token) and 403 (roles too low) on every operation, 400 on every operation that takes
 * input, each an {@code application/problem+json} {@link Problem}. An operation that says more
 * about one of these codes (RestoreResource's IN_PLACE 403) keeps its own description. Management
 * endpoints under {@code /q/} are left alone.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {
  static final String SCHEMA = "Problem";

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    boolean documented = false;
    for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
      if (path.getKey().startsWith("/q/") || path.getValue().getOperations() == null) {
        continue;
      }
      for (Operation operation : path.getValue().getOperations().values()) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
          responses = OASFactory.createAPIResponses();
          operation.setResponses(responses);
        }
        if (takesInput(path.getValue(), operation)) {
          addIfAbsent(
              responses, "400", "Invalid request: the problem's violations name each bad field");
        }
        addIfAbsent(responses, "401", "No valid bearer token");
        addIfAbsent(responses, "403", "The token's roles do not allow this");
        documented = true;
      }
    }
    if (documented) {
      if (openAPI.getComponents() == null) {
        openAPI.setComponents(OASFactory.createComponents());
      }
      Components components = openAPI.getComponents();
      if (components.getSchemas() == null || !components.getSchemas().containsKey(SCHEMA)) {
        components.addSchema(SCHEMA, problemSchema());
      }
    }
  }

  private static boolean takesInput(PathItem path, Operation operation) {
    return operation.getRequestBody() != null
        || (operation.getParameters() != null && !operation.getParameters().isEmpty())
        || (path.getParameters() != null && !path.getParameters().isEmpty());
  }

  /**
   * Quarkus documents 400, 401 and 403 on its own, bare ("Bad Request", "Not Authorized"), with no
   * body: those are replaced. A response the operation documents itself, with a body, is kept.
   */
  private static void addIfAbsent(APIResponses responses, String code, String description) {
    if (responses.hasAPIResponse(code) && responses.getAPIResponse(code).getContent() != null) {
      return;
    }
    responses.addAPIResponse(
        code,
        OASFactory.createAPIResponse()
            .description(description)
            .content(
                OASFactory.createContent()
                    .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType()
                            .schema(
                                OASFactory.createSchema().ref("#/components/schemas/" + SCHEMA)))));
  }

  /** {@link Problem} (RFC 9457) as a schema. */
  private static Schema problemSchema() {
    Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    return OASFactory.createSchema()
        .addType(Schema.SchemaType.OBJECT)
        .description("An RFC 9457 problem detail, the body of every error response")
        .addProperty("type", text)
        .addProperty("title", text)
        .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
        .addProperty("detail", text)
        .addProperty("instance", text)
        .addProperty(
            "violations",
            OASFactory.createSchema()
                .addType(Schema.SchemaType.ARRAY)
                .items(
                    OASFactory.createSchema()
                        .addType(Schema.SchemaType.OBJECT)
                        .addProperty("field", text)
                        .addProperty("message", text)));
  }
}
