package dev.lifeboat.common.failpoints;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Named points at the step boundaries of backups and restores where a fault test can stop the JVM
 * dead, as a SIGKILL or a lost node would: no shutdown hook, no finally block, no flush. Inert
 * unless the environment variable {@value #VARIABLE} names the point (comma-separated); the names
 * are listed in docs/testing.md.
 *
 * <p>Tests run the packaged service as its own process with the variable set, wait for it to halt
 * at the point, start it again without it, and look at what is left.
 */
public final class Failpoints {
  public static final String VARIABLE = "LIFEBOAT_FAILPOINTS";

  /** The status a halted JVM exits with: 128 + SIGKILL, what a killed process reports. */
  public static final int HALT_STATUS = 137;

  // The name spelt out, so that deploy-tests sees which variable the services read.
  private static final Set<String> ARMED = parse(System.getenv("LIFEBOAT_FAILPOINTS"));

  private Failpoints() {}

  /** Halts the JVM here when the environment names {@code point}; does nothing otherwise. */
  public static void reach(String point) {
    if (ARMED.contains(point)) {
      // One line on stderr so that a test's log shows where the process stopped; nothing else runs.
      System.err.println("lifeboat: failpoint " + point + " reached, halting");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  /** Whether any point is armed: services log it at start, so a forgotten variable is visible. */
  public static Set<String> armed() {
    return ARMED;
  }

  static Set<String> parse(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}
