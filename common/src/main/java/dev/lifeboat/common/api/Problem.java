package dev.lifeboat.common.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 * {@code violations} lists each invalid field of a rejected request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<Violation> violations) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public record Violation(String field, String message) {}

  public static Problem of(Response.StatusType status, String detail, String instance) {
    return new Problem(
        "about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, instance, null);
  }
}
