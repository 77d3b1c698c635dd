package io.satstream.training.buffer;

import java.util.Objects;
import java.util.Random;

/**
 * Vitter's Algorithm R: after {@code n} tiles, each of them is in the reservoir with the same probability
 * {@code capacity / n}, so the reservoir is a uniform sample of the whole stream without knowing its length. The first
 * {@code capacity} tiles fill the slots in order; the {@code n}-th tile after that is admitted with probability
 * {@code capacity / n} and replaces a uniformly chosen slot.
 *
 * <p>Plain Java and deterministic for a given {@link Random}, so that its uniformity can be tested statistically
 * without an engine. Not thread-safe.
 */
public final class ReservoirAdmission implements Admission {

    private final int capacity;
    private final Random random;
    private long seen;

    public ReservoirAdmission(int capacity, Random random) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Decides for the next tile of the stream: the slot it replaces, or {@link #REFUSED}. */
    @Override
    public int next() {
        seen++;
        if (seen <= capacity) {
            return (int) (seen - 1);
        }
        // One uniform draw in [0, n) decides both: admitted iff it falls below capacity, and then it is the slot.
        long j = random.nextLong(seen);
        return j < capacity ? (int) j : REFUSED;
    }

    /** How many tiles were decided on so far (the {@code n} of the last decision). */
    public long seen() {
        return seen;
    }

    public int capacity() {
        return capacity;
    }
}
