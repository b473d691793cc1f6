package dev.lifeboat.common.validation;

import dev.lifeboat.common.databases.Quoting;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import java.util.ArrayList;
import java.util.List;

/** Names the field a constraint violation concerns the way a caller wrote it. */
public final class Violations {
  private Violations() {}

  /**
   * {@code reason}, {@code labels[release]} or {@code limit}: without the Java method and body
   * parameter names, a map key or index in brackets (quoted when it is not plain ASCII).
   */
  public static String field(ConstraintViolation<?> violation) {
    List<String> parts = new ArrayList<>();
    boolean first = true;
    boolean methodParameter = false;
    for (Path.Node node : violation.getPropertyPath()) {
      switch (node.getKind()) {
        case METHOD, CONSTRUCTOR, CROSS_PARAMETER, RETURN_VALUE -> methodParameter = first;
        case CONTAINER_ELEMENT -> {
          Object at = node.getKey() != null ? node.getKey() : node.getIndex();
          if (at != null && !parts.isEmpty()) {
            parts.set(
                parts.size() - 1,
                parts.get(parts.size() - 1) + "[" + plain(String.valueOf(at)) + "]");
          }
        }
        default -> parts.add(node.getName());
      }
      first = false;
    }
    // A request body's violations start with the body parameter's name, which callers never see.
    if (methodParameter && parts.size() > 1) {
      parts = parts.subList(1, parts.size());
    }
    return String.join(".", parts);
  }

  private static String plain(String key) {
    return key.matches("[A-Za-z0-9_.-]{1,64}") ? key : Quoting.forMessage(key);
  }
}
