package dev.lifeboat.common.databases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app",
        "a",
        "0",
        "shop_prod",
        "billing-eu-1",
        "x123456789012345678901234567890123456789012345678901234567890ab"
      })
  void acceptsWellFormedNames(String name) {
    assertTrue(DatabaseNames.isValid(name), name);
    assertEquals(name, DatabaseNames.requireValid(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "App",
        "-app",
        "_app",
        "app name",
        "app\"; DROP DATABASE app; --",
        "app;",
        "app'",
        "../etc/passwd",
        "app/../other",
        "app%2F..",
        "app\n",
        "app\u0000",
        "\u0430pp", // Cyrillic a
        "\uff41\uff50\uff50", // full-width "app"
        "app\u200b", // zero-width space
        "caf\u00e9",
        "x1234567890123456789012345678901234567890123456789012345678901234" // 64 characters
      })
  void rejectsHostileOrMalformedNames(String name) {
    assertFalse(DatabaseNames.isValid(name), name);
    var e = assertThrows(IllegalArgumentException.class, () -> DatabaseNames.requireValid(name));
    assertTrue(e.getMessage().contains(DatabaseNames.REGEX));
    assertTrue(
        e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f),
        "message stays printable ASCII: " + e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void rejectsNull() {
    assertFalse(DatabaseNames.isValid(null));
  }
}
