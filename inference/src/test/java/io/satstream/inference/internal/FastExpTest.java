package io.satstream.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FastExpTest {

    @Test
    void matchesMathExpToFloatPrecisionOverTheWholeRange() {
        double worst = 0;
        for (float x = 0f; x > -87f; x -= 0.0007f) {
            double expected = Math.exp(x);
            double rel = Math.abs(FastExp.expNonPositive(x) - expected) / expected;
            worst = Math.max(worst, rel);
        }
        assertThat(worst).isLessThan(3e-7);
        assertThat(FastExp.expNonPositive(0f)).isEqualTo(1f);
        assertThat(FastExp.expNonPositive(-200f)).isZero();
        assertThat(FastExp.expNonPositive(Float.NEGATIVE_INFINITY)).isZero();
    }
}
