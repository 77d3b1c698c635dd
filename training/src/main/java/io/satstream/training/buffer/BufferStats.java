package io.satstream.training.buffer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters of a {@link PretrainingBuffer} at one moment, for a metrics reporter on any thread. Each counter is
 * exact; the snapshot is not atomic across counters while the writer or the trainer is busy.
 *
 * @param capacity           storage slots
 * @param fill               slots holding a tile
 * @param bytesUsed          device bytes of the filled slots
 * @param bytesCapacity      device bytes of all slots ({@code capacity x bytes per slot}, at most maxBytes)
 * @param staged             admitted tiles waiting in the host staging ring for the trainer to copy them
 * @param stagingCapacity    size of the staging ring
 * @param offered            tiles passed to {@code offer}
 * @param admitted           tiles admitted (staged); each of them is now staged, stored or replaced
 * @param replaced           admitted tiles overwritten, in storage or while still staged
 * @param replacedInStaging  the part of {@code replaced} overwritten while staged, because the trainer drained slowly
 * @param refused            refused tiles by reason: {@code shape}, {@code reservoir}, {@code closed}
 * @param batchesSampled     batches returned by {@code sample}
 * @param tilesSampled       samples in those batches
 * @param lastBatchMeanAgeMs mean age (time since admission) of the last batch's samples; 0 before the first batch
 * @param lastBatchMaxAgeMs  their maximum age; 0 before the first batch
 * @param starvedSamples     {@code sample} calls that found the buffer empty
 * @param starvedNanos       time {@code awaitSample} waited for a first tile
 * @param labelledFraction   the fraction of filled slots whose tile has labels; 0 when empty
 */
public record BufferStats(int capacity, int fill, long bytesUsed, long bytesCapacity, int staged, int stagingCapacity,
        long offered, long admitted, long replaced, long replacedInStaging, Map<String, Long> refused,
        long batchesSampled, long tilesSampled, double lastBatchMeanAgeMs, double lastBatchMaxAgeMs,
        long starvedSamples, long starvedNanos, double labelledFraction) {

    public BufferStats {
        refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
    }

    /** Tiles refused for {@code reason}, 0 for a reason never seen. */
    public long refused(String reason) {
        return refused.getOrDefault(reason, 0L);
    }

    public long refusedTotal() {
        return refused.values().stream().mapToLong(Long::longValue).sum();
    }
}
