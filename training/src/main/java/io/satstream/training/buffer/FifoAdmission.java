package io.satstream.training.buffer;

/** Admits every tile into the slots in turn, so that each replaces the oldest one once all slots are used. */
final class FifoAdmission implements Admission {

    private final int capacity;
    private long seen;

    FifoAdmission(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public int next() {
        return (int) (seen++ % capacity);
    }
}
