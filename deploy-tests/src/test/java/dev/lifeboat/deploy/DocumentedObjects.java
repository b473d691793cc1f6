package dev.lifeboat.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets and ConfigMaps that docs/kubernetes.md tells an operator to create, read from its
 * table: {@code | Secret | `name` | `key`, `key` | used by |}. A key written {@code <NAME>} stands
 * for any upper-case name.
 */
record DocumentedObjects(List<Entry> entries) {
  static final String DOC = "docs/kubernetes.md";
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  record Entry(String kind, String name, List<Pattern> keys) {
    boolean hasKey(String key) {
      return keys.stream().anyMatch(k -> k.matcher(key).matches());
    }
  }

  static DocumentedObjects read() {
    List<Entry> entries = new ArrayList<>();
    for (String line : Repo.read(DOC).split("\n")) {
      if (!line.startsWith("|")) {
        continue;
      }
      String[] cells = line.split("\\|", -1);
      if (cells.length < 4) {
        continue;
      }
      String kind = cells[1].trim();
      if (!kind.startsWith("Secret") && !kind.startsWith("ConfigMap")) {
        continue;
      }
      Matcher name = CODE.matcher(cells[2]);
      if (!name.find()) {
        continue;
      }
      List<Pattern> keys = new ArrayList<>();
      Matcher key = CODE.matcher(cells[3]);
      while (key.find()) {
        keys.add(
            Pattern.compile(Pattern.quote(key.group(1)).replace("<NAME>", "\\E[A-Z0-9_]+\\Q")));
      }
      entries.add(
          new Entry(kind.startsWith("Secret") ? "Secret" : "ConfigMap", name.group(1), keys));
    }
    return new DocumentedObjects(entries);
  }

  Entry find(String kind, String name) {
    return entries.stream()
        .filter(e -> e.kind().equals(kind) && e.name().equals(name))
        .findFirst()
        .orElse(null);
  }
}
