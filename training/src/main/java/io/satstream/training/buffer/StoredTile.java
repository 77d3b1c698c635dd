package io.satstream.training.buffer;

import java.time.Instant;

/**
 * What the buffer knows about one stored tile, as plain Java values: in a {@link SampledBatch}, one per sample.
 *
 * @param partition  the Kafka partition, or {@link BufferEntry#NO_PARTITION}
 * @param offset     the Kafka offset, or {@link BufferEntry#NO_OFFSET}
 * @param admittedAt when {@link PretrainingBuffer#offer} admitted it, on the buffer's clock
 * @param labelled   whether it came with labels (otherwise its labels are all ignore)
 * @param slot       the storage slot it occupies
 */
public record StoredTile(String tileId, int partition, long offset, Instant admittedAt, boolean labelled, int slot) {
}
