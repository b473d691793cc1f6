package dev.lifeboat.common.events;

import jakarta.validation.constraints.NotBlank;

/**
 * {@code dev.lifeboat.command.rejected}: a message that could not be parsed or validated; the
 * original went to {@code lifeboat.dlq}. {@code database} is null when the message named none that
 * could be trusted.
 */
public record CommandRejected(
    String database,
    @NotBlank String reason,
    String rejectedId,
    String rejectedType,
    @NotBlank String topic,
    int partition,
    long offset)
    implements EventData {}
