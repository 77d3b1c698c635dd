package io.satstream.inference;

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
        checkAgainstReference(null);
    }

    @Test
    void matchesAPlainReferenceThatSkipsPixelsWithoutData() {
        checkAgainstReference(new Random(17));
    }

    /** Random logits for 2, 4 and 7 classes; with {@code validity} set, about a third of the pixels have no data. */
    private static void checkAgainstReference(Random validity) {
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
                byte[] valid = null;
                if (validity != null) {
                    valid = new byte[h * w];
                    for (int p = 0; p < valid.length; p++) {
                        valid[p] = (byte) (validity.nextInt(3) == 0 ? 0 : 1);
                    }
                }
                MaskResult r = MaskDecoder.decode(logits, index, classes, h, w, valid);
                long[] counts = new long[classes];
                double conf = 0;
                int withData = 0;
                for (int p = 0; p < h * w; p++) {
                    if (valid != null && valid[p] == 0) {
                        assertThat(r.mask()[p] & 0xFF).as("pixel %d without data", p).isEqualTo(255);
                        continue;
                    }
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
                    withData++;
                    assertThat(r.mask()[p] & 0xFF).as("pixel %d, %d classes", p, classes).isEqualTo(best);
                }
                assertThat(withData).as("the random validity leaves some pixels with data").isPositive();
                assertThat(r.classCounts()).containsExactly(counts);
                assertThat(r.pixelsWithData()).isEqualTo(withData);
                assertThat(r.meanConfidence()).isCloseTo((float) (conf / withData), within(1e-5f));
            }
        }
    }

    @Test
    void pixelsWithoutDataBecome255AndCountNowhere() {
        // one image, 3 classes, 1x3 pixels; the middle pixel has no data and the most confident logits
        float[] logits = {
            0, 50, 0, // class 0 plane
            2, 0, 0, // class 1 plane
            1, 0, 3, // class 2 plane
        };
        MaskResult r = MaskDecoder.decode(logits, 0, 3, 1, 3, new byte[] {1, 0, 1});

        assertThat(r.mask()).containsExactly(1, 255, 2);
        assertThat(MaskDecoder.NO_DATA).isEqualTo(255);
        assertThat(r.classCounts()).containsExactly(0, 1, 1);
        double p0 = Math.exp(2) / (Math.exp(0) + Math.exp(2) + Math.exp(1));
        double p2 = Math.exp(3) / (Math.exp(0) + Math.exp(0) + Math.exp(3));
        // the middle pixel's near-certain class 0 would pull the mean up if it counted
        assertThat(r.meanConfidence()).isCloseTo((float) ((p0 + p2) / 2), within(1e-6f));
    }

    @Test
    void aTileWithoutAnyDataIsAll255WithZeroConfidence() {
        for (int classes : new int[] {2, 5}) {
            float[] logits = new float[classes * 4];
            logits[1] = 7;
            MaskResult r = MaskDecoder.decode(logits, 0, classes, 2, 2, new byte[4]);
            assertThat(r.mask()).containsOnly((byte) 255);
            assertThat(r.classCounts()).containsOnly(0L);
            assertThat(r.meanConfidence()).isZero();
        }
    }

    @Test
    void anAllOnesValidityIsTheSameAsNone() {
        Random rnd = new Random(9);
        float[] logits = new float[4 * 6 * 5];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) rnd.nextGaussian();
        }
        byte[] ones = new byte[30];
        java.util.Arrays.fill(ones, (byte) 1);
        MaskResult none = MaskDecoder.decode(logits, 0, 4, 6, 5);
        MaskResult all = MaskDecoder.decode(logits, 0, 4, 6, 5, ones);
        assertThat(all.mask()).containsExactly(none.mask());
        assertThat(all.classCounts()).containsExactly(none.classCounts());
        assertThat(all.meanConfidence()).isEqualTo(none.meanConfidence());
        assertThat(all.pixelsWithData()).isEqualTo(30);
    }

    @Test
    void rejectsInconsistentShapes() {
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 1, 3, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits of length 12 hold no image 1 of 3x2x2");
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 0, 1, 2, 6)).hasMessageContaining("numClasses");
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 0, 3, 0, 2)).hasMessageContaining("positive");
        assertThatThrownBy(() -> MaskDecoder.decode(new float[12], 0, 3, 2, 2, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validity mask has 3 values, expected 4");
    }

    @Test
    void classIndicesStayBelowTheNoDataValue() {
        // 255 classes: index 254 is the highest, still distinct from 255
        float[] logits = new float[255];
        logits[254] = 1;
        assertThat(MaskDecoder.decode(logits, 0, 255, 1, 1).mask()).containsExactly(254);
        // 256 classes would make class 255 read as "no data"
        assertThatThrownBy(() -> MaskDecoder.decode(new float[256], 0, 256, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2..255").hasMessageContaining("256");
        assertThatThrownBy(() -> MaskDecoder.checkClassCount(300)).isInstanceOf(IllegalArgumentException.class);
    }
}
