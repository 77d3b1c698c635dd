package io.satstream.ingest;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import io.satstream.schemas.Tile;

/**
 * Pumps a {@link TileFeed} into a {@link TileProducer} at a steady rate until the feed is exhausted, a
 * tile count or a duration is reached, or {@link #stop()} is called; reports {@link Progress} at a fixed
 * interval and once at the end (after a flush, so the final numbers are acknowledged ones).
 */
public final class FeedRunner {
    /** Polling pause when the feed has no tile right now. */
    static final long IDLE_POLL_NANOS = 50_000_000L;
    /** Longest uninterrupted sleep, so that {@link #stop()} takes effect promptly even at low rates. */
    private static final long MAX_SLEEP_NANOS = 100_000_000L;

    /**
     * @param produced tiles handed to the producer
     * @param acked tiles the broker acknowledged
     * @param failed tiles that could not be written
     * @param elapsed time since the run started
     * @param tilesPerSecond produced / elapsed
     * @param finished true on the last report of a run
     * @param reason why the run ended ({@code exhausted}, {@code count}, {@code duration}, {@code stopped}), or null
     */
    public record Progress(long produced, long acked, long failed, long bytes, Duration elapsed, double tilesPerSecond,
            boolean finished, String reason) {}

    private final TileFeed feed;
    private final TileProducer producer;
    private final RateLimiter limiter;
    private final long maxTiles;
    private final Duration maxDuration;
    private final Duration progressEvery;
    private final Consumer<Progress> onProgress;
    private final NanoClock clock;
    private volatile boolean stopRequested;

    private FeedRunner(Builder b) {
        this.feed = b.feed;
        this.producer = b.producer;
        this.limiter = new RateLimiter(b.rate, b.clock);
        this.maxTiles = b.maxTiles;
        this.maxDuration = b.maxDuration;
        this.progressEvery = b.progressEvery;
        this.onProgress = b.onProgress;
        this.clock = b.clock;
    }

    public static Builder builder(TileFeed feed, TileProducer producer) {
        return new Builder(feed, producer);
    }

    /** Asks a running {@link #run()} to end after the current tile; safe from any thread. */
    public void stop() {
        stopRequested = true;
    }

    /** Runs on the calling thread until one of the end conditions; returns the final progress. */
    public Progress run() throws InterruptedException {
        long start = clock.nanoTime();
        long deadline = maxDuration == null ? 0 : start + maxDuration.toNanos();
        long nextReport = start + progressEvery.toNanos();
        long produced = 0;
        String reason;
        while (true) {
            if (stopRequested) {
                reason = "stopped";
                break;
            }
            if (maxTiles >= 0 && produced >= maxTiles) {
                reason = "count";
                break;
            }
            if (feed.exhausted()) {
                reason = "exhausted";
                break;
            }
            if (past(clock.nanoTime(), deadline)) {
                reason = "duration";
                break;
            }
            long wait = limiter.reserve();
            if (!sleepUntil(clock.nanoTime() + wait, deadline)) {
                continue; // stopped or out of time while waiting: the loop head says which
            }
            Optional<Tile> tile = feed.next();
            if (tile.isPresent()) {
                producer.send(tile.get());
                produced++;
            } else if (!feed.exhausted()) {
                sleepUntil(clock.nanoTime() + IDLE_POLL_NANOS, deadline);
            }
            long now = clock.nanoTime();
            if (now - nextReport >= 0) {
                onProgress.accept(progress(produced, now - start, false, null));
                nextReport = now + progressEvery.toNanos();
            }
        }
        producer.flush();
        Progress last = progress(produced, clock.nanoTime() - start, true, reason);
        onProgress.accept(last);
        return last;
    }

    /** Sleeps in short steps; false when a stop or the deadline came first. */
    private boolean sleepUntil(long wakeAt, long deadline) throws InterruptedException {
        while (true) {
            long now = clock.nanoTime();
            if (stopRequested || past(now, deadline)) {
                return false;
            }
            long remaining = wakeAt - now;
            if (remaining <= 0) {
                return true;
            }
            long step = Math.min(remaining, MAX_SLEEP_NANOS);
            if (maxDuration != null) {
                step = Math.min(step, deadline - now);
            }
            clock.sleepNanos(step);
        }
    }

    /** Compared by difference, as System.nanoTime values must be (they may be negative). */
    private boolean past(long now, long deadline) {
        return maxDuration != null && now - deadline >= 0;
    }

    private Progress progress(long produced, long elapsedNanos, boolean finished, String reason) {
        double seconds = elapsedNanos / 1e9;
        return new Progress(produced, producer.acked(), producer.failed(), producer.bytesSent(),
                Duration.ofNanos(elapsedNanos), seconds > 0 ? produced / seconds : 0, finished, reason);
    }

    public static final class Builder {
        private final TileFeed feed;
        private final TileProducer producer;
        private double rate;
        private long maxTiles = -1;
        private Duration maxDuration;
        private Duration progressEvery = Duration.ofSeconds(1);
        private Consumer<Progress> onProgress = p -> { };
        private NanoClock clock = NanoClock.SYSTEM;

        private Builder(TileFeed feed, TileProducer producer) {
            this.feed = Objects.requireNonNull(feed, "feed");
            this.producer = Objects.requireNonNull(producer, "producer");
        }

        /** Tiles per second; 0 or less = as fast as the feed and producer go (the default). */
        public Builder rate(double tilesPerSecond) {
            this.rate = tilesPerSecond;
            return this;
        }

        /** Stop after this many tiles; -1 = no limit (the default). */
        public Builder maxTiles(long count) {
            if (count < -1) {
                throw new IllegalArgumentException("maxTiles must be -1 or >= 0, got " + count);
            }
            this.maxTiles = count;
            return this;
        }

        /** Stop after this long; null = no limit (the default). */
        public Builder maxDuration(Duration duration) {
            if (duration != null && duration.isNegative()) {
                throw new IllegalArgumentException("maxDuration must not be negative, got " + duration);
            }
            this.maxDuration = duration;
            return this;
        }

        public Builder progressEvery(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("progress interval must be positive, got " + interval);
            }
            this.progressEvery = interval;
            return this;
        }

        public Builder onProgress(Consumer<Progress> listener) {
            this.onProgress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public FeedRunner build() {
            return new FeedRunner(this);
        }
    }
}
