package dev.lifeboat.common.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.lifeboat.common.databases.UnknownDatabaseException;
import dev.lifeboat.common.validation.Violations;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error of the HTTP APIs into {@code application/problem+json}: the status, what went
 * wrong in words a caller can act on, and for invalid requests each offending field. Unexpected
 * errors are logged with an id that the response names, and say nothing of the internals.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response invalid(ConstraintViolationException e, UriInfo uri) {
    boolean ourFault =
        e.getConstraintViolations().stream()
            .anyMatch(
                v ->
                    StreamSupport.stream(v.getPropertyPath().spliterator(), false)
                        .anyMatch(node -> node.getKind() == ElementKind.RETURN_VALUE));
    if (ourFault) {
      return unexpected(e, uri);
    }
    List<Problem.Violation> violations =
        e.getConstraintViolations().stream()
            .map(v -> new Problem.Violation(Violations.field(v), v.getMessage()))
            .sorted(Comparator.comparing(Problem.Violation::field))
            .toList();
    var problem =
        new Problem(
            "about:blank",
            Status.BAD_REQUEST.getReasonPhrase(),
            400,
            "the request is invalid: " + violations.size() + " field(s) rejected",
            path(uri),
            violations);
    return respond(Status.BAD_REQUEST, problem);
  }

  @ServerExceptionMapper
  public Response unknownDatabase(UnknownDatabaseException e, UriInfo uri) {
    return respond(Status.BAD_REQUEST, Problem.of(Status.BAD_REQUEST, e.getMessage(), path(uri)));
  }

  // Listed one by one: quarkus-rest-jackson maps the subclasses itself, to plain JSON.
  @ServerExceptionMapper({
    JsonProcessingException.class,
    JsonParseException.class,
    MismatchedInputException.class,
    InvalidFormatException.class
  })
  public Response unreadable(JsonProcessingException e, UriInfo uri) {
    String detail = "the request body is not valid JSON for this endpoint: " + readable(e);
    return respond(Status.BAD_REQUEST, Problem.of(Status.BAD_REQUEST, detail, path(uri)));
  }

  /**
   * The parser's complaint in the API's own terms: a value of the wrong shape names its field and
   * what the field takes, where Jackson's message names Java types ({@code
   * dev.lifeboat...RestoreEvents$Mode}, {@code java.util.ArrayList<java.lang.String>}).
   */
  static String readable(JsonProcessingException e) {
    if (!(e instanceof MismatchedInputException m)
        || m.getPath().isEmpty()
        || m.getTargetType() == null) {
      return e.getOriginalMessage();
    }
    String field =
        m.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    Class<?> type = m.getTargetType();
    String expected;
    if (type.isEnum()) {
      expected =
          "one of "
              + Arrays.stream(type.getEnumConstants())
                  .map(Object::toString)
                  .collect(Collectors.joining(", "));
    } else if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      expected = "a list";
    } else if (Map.class.isAssignableFrom(type)) {
      expected = "an object";
    } else if (CharSequence.class.isAssignableFrom(type)) {
      expected = "a string";
    } else if (type == Boolean.class || type == boolean.class) {
      expected = "true or false";
    } else if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      expected = "a number";
    } else {
      expected = "an object of another shape";
    }
    String given =
        e instanceof InvalidFormatException f && f.getValue() != null
            ? " (not \"" + f.getValue() + "\")"
            : "";
    return "field " + field + " must be " + expected + given;
  }

  @ServerExceptionMapper({
    UnauthorizedException.class,
    AuthenticationFailedException.class,
    AuthenticationCompletionException.class
  })
  public Response unauthenticated(RuntimeException e, UriInfo uri) {
    var problem =
        Problem.of(
            Status.UNAUTHORIZED,
            "a valid bearer token is required (Authorization: Bearer <JWT>)",
            path(uri));
    return Response.status(Status.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .type(Problem.MEDIA_TYPE)
        .entity(problem)
        .build();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(
        Status.FORBIDDEN,
        Problem.of(Status.FORBIDDEN, "the token's roles do not allow this request", path(uri)));
  }

  @ServerExceptionMapper
  public Response http(WebApplicationException e, UriInfo uri) {
    // Quarkus REST reports an unreadable body as a bare 400 whose cause is Jackson's complaint.
    if (e.getCause() instanceof JsonProcessingException json) {
      return unreadable(json, uri);
    }
    Response.StatusType status = e.getResponse().getStatusInfo();
    // A 500 hides internals; a 503 thrown on purpose says what is unavailable.
    if (status.getStatusCode() == 500) {
      return unexpected(e, uri);
    }
    String message = e.getMessage();
    // JAX-RS fills in "HTTP 404 Not Found" when the thrower gave no message: say something useful.
    String detail =
        message == null || message.startsWith("HTTP " + status.getStatusCode())
            ? defaultDetail(status.getStatusCode())
            : message;
    Response.ResponseBuilder response =
        Response.status(status.getStatusCode())
            .type(Problem.MEDIA_TYPE)
            .entity(Problem.of(status, detail, path(uri)));
    String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
    if (allow != null) {
      response.header(HttpHeaders.ALLOW, allow);
    }
    return response.build();
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e, UriInfo uri) {
    String errorId = UUID.randomUUID().toString();
    LOG.errorf(e, "unexpected error %s on %s", errorId, path(uri));
    return respond(
        Status.INTERNAL_SERVER_ERROR,
        Problem.of(
            Status.INTERNAL_SERVER_ERROR,
            "unexpected error " + errorId + "; the service log has the details",
            path(uri)));
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 400 -> "the request is malformed";
      case 404 -> "no such resource";
      case 405 -> "this method is not allowed on this resource";
      case 406 -> "no acceptable representation: this API speaks application/json";
      case 415 -> "unsupported media type: send application/json";
      default -> "the request cannot be served";
    };
  }

  private static Response respond(Status status, Problem problem) {
    return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  private static String path(UriInfo uri) {
    return uri == null ? null : uri.getRequestUri().getRawPath();
  }
}
