package io.satstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** Time that moves only when someone sleeps or the test advances it. */
    static final class FakeClock implements NanoClock {
        long now = 5_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }

        void advance(long nanos) {
            now += nanos;
        }
    }

    @Test
    void permitsAreSpacedEvenly() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(10, clock);
        long start = clock.now;
        for (int i = 0; i < 11; i++) {
            limiter.acquire();
        }
        // the first is immediate, the next ten one tenth of a second apart
        assertThat(clock.now - start).isEqualTo(1_000_000_000L);
        assertThat(clock.sleeps).hasSize(10).containsOnly(100_000_000L);
    }

    @Test
    void idleTimeIsNotSavedUpForABurst() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(4, clock);
        limiter.acquire();
        clock.advance(10_000_000_000L);
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(250_000_000L);
        assertThat(limiter.reserve()).isEqualTo(500_000_000L);
    }

    @Test
    void slowCallersAreNotPunished() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(2, clock);
        assertThat(limiter.reserve()).isZero();
        clock.advance(300_000_000L);
        assertThat(limiter.reserve()).isEqualTo(200_000_000L);
        clock.advance(900_000_000L);
        assertThat(limiter.reserve()).isZero();
    }

    @Test
    void fractionalRatesWork() {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = new RateLimiter(0.5, clock);
        limiter.reserve();
        assertThat(limiter.reserve()).isEqualTo(2_000_000_000L);
    }

    @Test
    void zeroMeansUnlimited() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = RateLimiter.unlimited();
        assertThat(limiter.isUnlimited()).isTrue();
        RateLimiter zero = new RateLimiter(0, clock);
        for (int i = 0; i < 1000; i++) {
            assertThat(zero.acquire()).isZero();
        }
        assertThat(clock.sleeps).isEmpty();
        assertThatThrownBy(() -> new RateLimiter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realClockKeepsTheRate() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(50);
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            limiter.acquire();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).isBetween(0.19, 0.6);
    }
}
