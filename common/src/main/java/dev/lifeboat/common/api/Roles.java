package dev.lifeboat.common.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The roles of the {@code groups} claim. They form a ladder: each role may do everything the roles
 * below it may, so an endpoint names the least role it needs.
 */
public final class Roles {
  /** Read everything. */
  public static final String VIEWER = "lifeboat-viewer";

  /** Request backups (deployment pipelines). */
  public static final String PIPELINE = "lifeboat-pipeline";

  /** Plan and run restores, run checks and verifications (incident responders). */
  public static final String RESPONDER = "lifeboat-responder";

  /** Delete and pin backups; everything. */
  public static final String ADMIN = "lifeboat-admin";

  /** Lowest first. */
  private static final List<String> LADDER = List.of(VIEWER, PIPELINE, RESPONDER, ADMIN);

  private Roles() {}

  /** The given roles plus every Lifeboat role below the highest of them. */
  public static Set<String> withImplied(Set<String> roles) {
    Set<String> all = new HashSet<>(roles);
    int highest = -1;
    for (int i = 0; i < LADDER.size(); i++) {
      if (roles.contains(LADDER.get(i))) {
        highest = i;
      }
    }
    all.addAll(LADDER.subList(0, highest + 1));
    return all;
  }
}
