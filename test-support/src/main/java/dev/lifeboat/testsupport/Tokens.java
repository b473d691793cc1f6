package dev.lifeboat.testsupport;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Mints JWTs that the services accept in tests and in the local stack: signed with the test key
 * pair shipped in this module (never used outside tests and the local stack), issuer {@value
 * #ISSUER}, roles in the {@code groups} claim.
 */
public final class Tokens {
  public static final String ISSUER = "https://lifeboat.dev/local";

  /** The audience services expect by default ({@code mp.jwt.verify.audiences}). */
  public static final String AUDIENCE = "lifeboat";

  private static final String PRIVATE_KEY = "dev/lifeboat/testsupport/jwt/privateKey.pem";

  private Tokens() {}

  /** A token for {@code subject} holding the given roles, valid for an hour. */
  public static String forRoles(String subject, String... roles) {
    return sign(subject, Set.of(roles), Instant.now().plus(Duration.ofHours(1)));
  }

  /** A token that expired a minute ago. */
  public static String expired(String subject, String... roles) {
    return sign(subject, Set.of(roles), Instant.now().minus(Duration.ofMinutes(1)));
  }

  /** A token for another audience than Lifeboat's (another service of the same issuer). */
  public static String forAudience(String audience, String subject, String... roles) {
    return sign(subject, Set.of(roles), Instant.now().plus(Duration.ofHours(1)), audience);
  }

  private static String sign(String subject, Set<String> roles, Instant expiresAt) {
    return sign(subject, roles, expiresAt, AUDIENCE);
  }

  private static String sign(
      String subject, Set<String> roles, Instant expiresAt, String audience) {
    return Jwt.issuer(ISSUER)
        .audience(audience)
        .subject(subject)
        .upn(subject)
        .groups(roles)
        .issuedAt(expiresAt.minus(Duration.ofHours(1)))
        .expiresAt(expiresAt)
        .sign(privateKey());
  }

  private static PrivateKey privateKey() {
    try {
      return KeyUtils.readPrivateKey(PRIVATE_KEY);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the test signing key " + PRIVATE_KEY, e);
    }
  }

  /** Prints a token for the roles given as arguments; used by bin/stack token. */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: Tokens <role> [<role> ...]");
      System.exit(2);
    }
    System.out.println(forRoles("local-" + args[0], args));
  }
}
