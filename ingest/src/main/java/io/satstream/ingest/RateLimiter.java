package io.satstream.ingest;

import java.util.Objects;

/**
 * Spaces permits evenly at {@code permitsPerSecond}: the n-th permit is due one interval after the one
 * before it, or now if that moment has passed. Idle time is not saved up, so there are no bursts after a
 * pause. A rate of 0 or less means unlimited. Thread-safe.
 */
public final class RateLimiter {
    private final double permitsPerSecond;
    private final long intervalNanos;
    private final NanoClock clock;
    private long nextFreeNanos;
    private boolean started;

    public RateLimiter(double permitsPerSecond) {
        this(permitsPerSecond, NanoClock.SYSTEM);
    }

    public RateLimiter(double permitsPerSecond, NanoClock clock) {
        if (Double.isNaN(permitsPerSecond)) {
            throw new IllegalArgumentException("rate must be a number");
        }
        this.permitsPerSecond = permitsPerSecond;
        this.intervalNanos = permitsPerSecond <= 0 || Double.isInfinite(permitsPerSecond) ? 0
                : Math.max(1, Math.round(1e9 / permitsPerSecond));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static RateLimiter unlimited() {
        return new RateLimiter(0);
    }

    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    public boolean isUnlimited() {
        return intervalNanos == 0;
    }

    /** Takes the next permit and says how long the caller must wait before using it (0 when due now). */
    public synchronized long reserve() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = clock.nanoTime();
        if (!started || now - nextFreeNanos > 0) {
            nextFreeNanos = now;
            started = true;
        }
        long wait = nextFreeNanos - now;
        nextFreeNanos += intervalNanos;
        return wait;
    }

    /** Takes the next permit, sleeping until it is due; returns the nanoseconds slept. */
    public long acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
        return wait;
    }
}
