package io.satstream.training.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.training.engine.TrainingEngine;
import org.junit.jupiter.api.Test;

/**
 * The buffer benchmark runs and reports what it measured (printed; speed targets are read from its output, never
 * asserted): offers per second and the share sampling takes of a training iteration.
 */
class BufferBenchmarkTest {

    @Test
    void measuresOfferRateAndSamplingShare() {
        BufferBenchmark.Result r = BufferBenchmark.run(TrainingEngine.shared(), 256, 128, 8, 2_000, 3);
        System.out.printf("buffer: %.0f offers/s of 256 px tiles into 128 px slots; sample %.2f ms vs SOP step %.1f ms"
                + " (batch 8): sampling %.1f %% of an iteration%n", r.offersPerSecond(), r.sampleMillis(),
                r.stepMillis(), 100 * r.samplingShare());
        assertThat(r.offers()).isEqualTo(2_000);
        assertThat(r.offersPerSecond()).isPositive();
        assertThat(r.sampleMillis()).isPositive();
        assertThat(r.stepMillis()).isPositive();
        assertThat(r.samplingShare()).isBetween(0.0, 1.0);
    }
}
