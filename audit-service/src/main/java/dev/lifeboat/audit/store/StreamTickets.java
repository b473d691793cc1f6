package dev.lifeboat.audit.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Short-lived, single-use tickets for the event stream, each standing for the bearer token it was
 * issued against. All of their SQL is here.
 */
@ApplicationScoped
public class StreamTickets {
  /** How long a ticket may wait for its stream to open. */
  public static final Duration LIFETIME = Duration.ofSeconds(60);

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Pool pool;

  public StreamTickets(Pool pool) {
    this.pool = pool;
  }

  /** A new ticket for the token; expired tickets are cleared on the way. */
  public Uni<String> issue(String token) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return pool.withTransaction(
        tx ->
            tx.query("DELETE FROM audit.stream_tickets WHERE expires_at < now()")
                .execute()
                .chain(
                    () ->
                        tx.preparedQuery(
                                """
                                INSERT INTO audit.stream_tickets (ticket_sha256, token, expires_at)
                                VALUES ($1, $2, now() + make_interval(secs => $3))""")
                            .execute(Tuple.of(sha256(ticket), token, LIFETIME.toSeconds())))
                .replaceWith(ticket));
  }

  /** The token a ticket stands for, once: the ticket is gone afterwards, used or expired. */
  public Uni<Optional<String>> redeem(String ticket) {
    return pool.preparedQuery(
            "DELETE FROM audit.stream_tickets WHERE ticket_sha256 = $1 RETURNING token, expires_at > now() AS valid")
        .execute(Tuple.of(sha256(ticket)))
        .map(
            rows -> {
              var it = rows.iterator();
              if (!it.hasNext()) {
                return Optional.empty();
              }
              var row = it.next();
              return row.getBoolean("valid")
                  ? Optional.of(row.getString("token"))
                  : Optional.<String>empty();
            });
  }

  private static String sha256(String ticket) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
