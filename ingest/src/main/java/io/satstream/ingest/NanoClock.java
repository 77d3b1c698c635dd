package io.satstream.ingest;

/** Monotonic time and sleeping, behind an interface so that rate limiting can be tested without waiting. */
public interface NanoClock {
    long nanoTime();

    void sleepNanos(long nanos) throws InterruptedException;

    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    };
}
