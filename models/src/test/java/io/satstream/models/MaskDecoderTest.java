package io.satstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskDecoderTest {

    @Test
    void argmaxCountsAndConfidenceOfAKnownBatch() {
        // batch of 2 images, 3 classes, 1x2 pixels; image 1 is the one decoded
        float[] logits = {
            9, 9, 9, 9, 9, 9, // image 0 (must be ignored)
            0, 5, // class 0 plane
            2, 1, // class 1 plane
            1, 1, // class 2 plane
        };
        MaskResult r = MaskDecoder.decode(logits, 1, 3, 1, 2);

        assertThat(r.mask()).containsExactly(1, 0);
        assertThat(r.classCounts()).containsExactly(1, 1, 0);
        double p0 = Math.exp(2) / (Math.exp(0) + Math.exp(2) + Math.exp(1));
        double p1 = Math.exp(5) / (Math.exp(5) + Math.exp(1) + Math.exp(1));
        assertThat(r.meanConfidence()).isCloseTo((float) ((p0 + p1) / 2), within(1e-6f));
    }

    @Test
    void matchesAPlainReferenceOnRandomLogits() {
        Random rnd = new Random(5);
        for (int classes : new int[] {2, 4, 7}) {
            int h = 9;
            int w = 13;
            int n = 3;
            float[] logits = new float[n * classes * h * w];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (rnd.nextGaussian() * 4);
            }
            for (int index = 0; index < n; index++) {
                MaskResult r = MaskDecoder.decode(logits, index, classes, h, w);
                long[] counts = new long[classes];
                double conf = 0;
                for (int p = 0; p < h * w; p++) {
                    int best = 0;
                    double sum = 0;
                    for (int k = 0; k < classes; k++) {
                        float v = logits[((index * classes) + k) * h * w + p];
                        if (v > logits[((index * classes) + best) * h * w + p]) {
                            best = k;
                        }
                    }
                    for (int k = 0; k < classes; k++) {
                        sum += Math.exp(logits[((index * classes) + k) * h * w + p]);
                    }
                    conf += Math.exp(logits[((index * classes) + best) * h * w + p]) / sum;
                    counts[best]++;
                    assertThat(r.mask()[p] & 0xFF).as("pixel %d, %d classes", p, classes).isEqualTo(best);
                }
                assertThat(r.classCounts()).containsExactly(counts);
                assertThat(r.meanConfidence()).isCloseTo((float) (conf / (h * w)), within(1e-5f));
            }
        }
    }

    @Test
    void rejectsInconsistentShapes() {
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 1, 3, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits of length 12 hold no image 1 of 3x2x2");
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 0, 1, 2, 6)).hasMessageContaining("numClasses");
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 0, 3, 0, 2)).hasMessageContaining("positive");
    }
}
