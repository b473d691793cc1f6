package dev.lifeboat.restore.tables;

import dev.lifeboat.common.databases.TableName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks, from an archive's table of contents ({@code pg_restore --list --verbose}), what restores
 * the chosen tables whole: their definitions and data, and what hangs on them (indexes,
 * constraints, their own foreign keys, defaults, triggers, owned sequences and their values,
 * comments, grants). Views and other tables' foreign keys that point at them are left out: the
 * restore deals with those itself. The result is a list for {@code pg_restore --use-list}.
 */
public final class TocSelection {
  private static final Pattern ENTRY = Pattern.compile("^(\\d+); \\d+ \\d+ (.*)$");
  private static final Pattern DEPENDS = Pattern.compile("^;\\s*depends on:(.*)$");

  /** Entry kinds whose names hold a space, longest first so that a prefix never wins. */
  private static final List<String> KINDS =
      List.of(
          "MATERIALIZED VIEW DATA",
          "SEQUENCE OWNED BY",
          "MATERIALIZED VIEW",
          "FK CONSTRAINT",
          "DEFAULT ACL",
          "INDEX ATTACH",
          "ROW SECURITY",
          "SEQUENCE SET",
          "TABLE ATTACH",
          "TABLE DATA");

  /** Never pulled in by a table: the restore does not recreate what other objects are. */
  private static final Set<String> NEVER =
      Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "MATERIALIZED VIEW DATA", "DATABASE", "SCHEMA");

  private TocSelection() {}

  /** One entry of the listing. */
  record Entry(int id, String line, String kind, String namespace, String tag, Set<Integer> deps) {}

  /** The list lines to restore {@code tables}; a table the archive does not define is an error. */
  public static List<String> select(String toc, List<TableName> tables) {
    List<Entry> entries = parse(toc);
    Set<Integer> selected = new HashSet<>();
    for (TableName table : tables) {
      Entry found =
          entries.stream()
              .filter(
                  e ->
                      "TABLE".equals(e.kind())
                          && table.schema().equals(e.namespace())
                          && table.name().equals(e.tag()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "the backup's table of contents has no table " + table));
      selected.add(found.id());
    }
    Set<TableName> chosen = new HashSet<>(tables);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Entry e : entries) {
        if (selected.contains(e.id()) || NEVER.contains(e.kind())) {
          continue;
        }
        boolean hangsOnChosen = e.deps().stream().anyMatch(selected::contains);
        // A foreign key belongs to the table that has it, named first in its tag.
        if ("FK CONSTRAINT".equals(e.kind())) {
          String owner = e.tag().split(" ", 2)[0];
          hangsOnChosen &= chosen.contains(new TableName(e.namespace(), owner));
        }
        if (hangsOnChosen) {
          selected.add(e.id());
          grew = true;
        }
      }
    }
    List<String> lines = new ArrayList<>();
    for (Entry e : entries) {
      if (selected.contains(e.id())) {
        lines.add(e.line());
      }
    }
    return lines;
  }

  static List<Entry> parse(String toc) {
    List<Entry> entries = new ArrayList<>();
    Entry last = null;
    for (String line : toc.split("\n")) {
      Matcher entry = ENTRY.matcher(line);
      if (entry.matches()) {
        int id = Integer.parseInt(entry.group(1));
        String rest = entry.group(2);
        String kind = null;
        for (String k : KINDS) {
          if (rest.startsWith(k + " ")) {
            kind = k;
            break;
          }
        }
        if (kind == null) {
          int space = rest.indexOf(' ');
          kind = space < 0 ? rest : rest.substring(0, space);
        }
        String[] words = rest.substring(Math.min(rest.length(), kind.length() + 1)).split(" ", -1);
        String namespace = words.length > 0 ? words[0] : "";
        // namespace, tag (which may hold spaces), owner
        String tag =
            words.length >= 3 ? String.join(" ", List.of(words).subList(1, words.length - 1)) : "";
        Set<Integer> own = new LinkedHashSet<>();
        last = new Entry(id, line, kind, namespace, tag, own);
        entries.add(last);
        continue;
      }
      Matcher depends = DEPENDS.matcher(line);
      if (depends.matches() && last != null) {
        for (String dep : depends.group(1).trim().split("\\s+")) {
          if (!dep.isEmpty()) {
            last.deps().add(Integer.parseInt(dep));
          }
        }
      }
    }
    return entries;
  }
}
