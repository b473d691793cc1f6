package dev.lifeboat.audit.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * One streaming pass over an event's JSON, without building a tree: the first field named like a
 * credential, and whether any name or text holds a NUL character (which jsonb cannot store).
 */
final class JsonScan {
  private static final JsonFactory FACTORY = new JsonFactory();

  record Findings(Optional<String> credentialField, boolean nul) {}

  private JsonScan() {}

  static Findings scan(byte[] json) throws IOException {
    Deque<String> path = new ArrayDeque<>();
    boolean nul = false;
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME -> {
            String name = parser.currentName();
            if (CredentialFields.isCredentialName(name)) {
              path.addLast(name);
              return new Findings(
                  Optional.of(String.join(".", path.stream().filter(p -> !p.isEmpty()).toList())),
                  nul);
            }
            nul |= name.indexOf('\u0000') >= 0;
          }
          case START_OBJECT, START_ARRAY -> {
            String name = parser.currentName();
            path.addLast(name == null ? "" : name);
          }
          case END_OBJECT, END_ARRAY -> path.pollLast();
          case VALUE_STRING -> nul |= parser.getText().indexOf('\u0000') >= 0;
          default -> {
            // Numbers, booleans and nulls hold neither.
          }
        }
      }
    }
    return new Findings(Optional.empty(), nul);
  }
}
