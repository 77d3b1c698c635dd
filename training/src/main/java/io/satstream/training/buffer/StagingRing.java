package io.satstream.training.buffer;

/**
 * The bounded host-side queue between the writer and the device: preallocated tiles in a ring, oldest first. When the
 * consumer is slow the ring does not grow and the writer does not wait: the oldest staged tile is overwritten.
 *
 * <p>Not thread-safe: every method except {@link #size()} must be called under the buffer's intake lock, which is
 * never held during device work. {@link #size()} may be read from any thread.
 */
final class StagingRing {

    private final StagedTile[] ring;
    private int head;
    private volatile int size;

    StagingRing(int capacity, int pixelBytes, int labelBytes) {
        this.ring = new StagedTile[capacity];
        for (int i = 0; i < capacity; i++) {
            ring[i] = new StagedTile(pixelBytes, labelBytes);
        }
    }

    int capacity() {
        return ring.length;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == ring.length;
    }

    /**
     * The holder to fill for a newly admitted tile, which becomes the newest staged one. When the ring is full this is
     * the oldest staged tile, whose contents are then lost ({@link #isFull()} tells the caller beforehand).
     */
    StagedTile claim() {
        int n = size;
        if (n == ring.length) {
            StagedTile oldest = ring[head];
            head = (head + 1) % ring.length;
            return oldest;
        }
        size = n + 1;
        return ring[(head + n) % ring.length];
    }

    /**
     * Hands every staged tile to the consumer, oldest first, in exchange for the consumer's spent holders: afterwards
     * {@code exchange[0..n)} holds the staged tiles and the ring reuses the holders that were there. Only references
     * move, so the lock is held for a few nanoseconds per tile.
     *
     * @return {@code n}, the number of staged tiles handed over
     */
    int takeAll(StagedTile[] exchange) {
        int n = size;
        for (int i = 0; i < n; i++) {
            int at = (head + i) % ring.length;
            StagedTile staged = ring[at];
            ring[at] = exchange[i];
            exchange[i] = staged;
        }
        head = 0;
        size = 0;
        return n;
    }
}
