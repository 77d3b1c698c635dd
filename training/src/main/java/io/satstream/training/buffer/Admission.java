package io.satstream.training.buffer;

import java.util.Random;

/**
 * The admission decision for the next tile of the stream: the storage slot it goes to, or {@link #REFUSED}. One
 * decision per call, in stream order; implementations are not thread-safe (the buffer decides under its intake lock).
 */
interface Admission {

    /** Returned by {@link #next()} for a tile that is not admitted. */
    int REFUSED = -1;

    int next();

    static Admission of(AdmissionPolicy policy, int capacity, Random random) {
        return switch (policy) {
            case FIFO -> new FifoAdmission(capacity);
            case RESERVOIR -> new ReservoirAdmission(capacity, random);
        };
    }
}
