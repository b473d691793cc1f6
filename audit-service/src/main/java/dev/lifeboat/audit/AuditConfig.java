package dev.lifeboat.audit;

import dev.lifeboat.common.messaging.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code lifeboat.audit.*}: what audit-service reads, and how it serves the log. */
@ConfigMapping(prefix = "lifeboat.audit")
public interface AuditConfig {

  TopicNames topics();

  Stream stream();

  Dashboard dashboard();

  /**
   * The topics as the consumer tells them apart. The consumer's subscription is {@code
   * mp.messaging.incoming.audit-in.topics}; these must name the same topics.
   */
  interface TopicNames {
    @WithDefault(Topics.EVENTS)
    String events();

    @WithDefault(Topics.BACKUP_REQUESTS)
    String backupRequests();

    @WithDefault(Topics.RESTORE_COMMANDS)
    String restoreCommands();

    @WithDefault(Topics.DEAD_LETTERS)
    String deadLetters();
  }

  /** {@code GET /api/v1/events/stream}. */
  interface Stream {
    /**
     * Events a stream client may have waiting before it is disconnected as too slow; it then
     * reconnects with {@code Last-Event-ID} and catches up from the database.
     */
    @WithDefault("10000")
    int clientBuffer();

    /** How often the stream looks for events stored by other instances of audit-service. */
    @WithDefault("2s")
    Duration pollInterval();

    /** An SSE comment this often keeps idle connections open through proxies. */
    @WithDefault("15s")
    Duration heartbeat();
  }

  /** {@code GET /api/v1/dashboard}. */
  interface Dashboard {
    /**
     * A planned restore nobody confirmed within this time counts as expired, not open (the
     * restore-service's default confirmation TTL).
     */
    @WithDefault("10m")
    Duration plannedRestoreTtl();

    /** Completed backups the size and duration chart shows, newest. */
    @WithDefault("500")
    int chartPoints();
  }
}
