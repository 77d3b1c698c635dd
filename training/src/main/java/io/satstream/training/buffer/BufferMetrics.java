package io.satstream.training.buffer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The buffer's counters, written by the writer and the consumer threads and read by any thread through
 * {@link #snapshot}. Counters are adders; values that belong together (fill and labelled slots, the ages of one
 * batch) are published as one immutable record so that a reader never sees half of an update.
 */
final class BufferMetrics {

    private record Occupancy(int fill, int labelled) {
    }

    private record BatchAge(double meanMs, double maxMs) {
    }

    final LongAdder offered = new LongAdder();
    final LongAdder admitted = new LongAdder();
    final LongAdder replacedInStaging = new LongAdder();
    final LongAdder replacedInStorage = new LongAdder();
    final LongAdder refusedShape = new LongAdder();
    final LongAdder refusedReservoir = new LongAdder();
    final LongAdder refusedClosed = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder tilesSampled = new LongAdder();
    final LongAdder starved = new LongAdder();
    final LongAdder starvedNanos = new LongAdder();
    private volatile Occupancy occupancy = new Occupancy(0, 0);
    private volatile BatchAge lastBatch = new BatchAge(0, 0);

    void refused(OfferOutcome outcome) {
        switch (outcome) {
            case REFUSED_SHAPE -> refusedShape.increment();
            case REFUSED_RESERVOIR -> refusedReservoir.increment();
            case REFUSED_CLOSED -> refusedClosed.increment();
            case ADMITTED -> throw new IllegalArgumentException("not a refusal: " + outcome);
        }
    }

    void occupancy(int fill, int labelled) {
        occupancy = new Occupancy(fill, labelled);
    }

    void sampled(int tiles, double meanAgeMs, double maxAgeMs) {
        lastBatch = new BatchAge(meanAgeMs, maxAgeMs);
        tilesSampled.add(tiles);
        batches.increment();
    }

    BufferStats snapshot(BufferOptions options, int capacity, int staged, int stagingCapacity) {
        Occupancy o = occupancy;
        BatchAge age = lastBatch;
        Map<String, Long> refused = new LinkedHashMap<>();
        refused.put(OfferOutcome.REFUSED_SHAPE.reason(), refusedShape.sum());
        refused.put(OfferOutcome.REFUSED_RESERVOIR.reason(), refusedReservoir.sum());
        refused.put(OfferOutcome.REFUSED_CLOSED.reason(), refusedClosed.sum());
        long inStaging = replacedInStaging.sum();
        return new BufferStats(capacity, o.fill(), o.fill() * options.bytesPerSlot(),
                capacity * options.bytesPerSlot(), staged, stagingCapacity, offered.sum(), admitted.sum(),
                inStaging + replacedInStorage.sum(), inStaging, refused, batches.sum(), tilesSampled.sum(),
                age.meanMs(), age.maxMs(), starved.sum(), starvedNanos.sum(),
                o.fill() == 0 ? 0.0 : (double) o.labelled() / o.fill());
    }
}
