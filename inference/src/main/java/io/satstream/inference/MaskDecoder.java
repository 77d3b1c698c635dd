package io.satstream.inference;

import io.satstream.inference.internal.FastExp;
import java.util.Objects;

/**
 * Turns NCHW logits into a per-pixel class mask (argmax) with class counts and confidence; runs once per tile.
 * Pixels the tile had no data for get {@link #NO_DATA} instead of a class and count nowhere.
 */
public final class MaskDecoder {

    /**
     * Mask value of a pixel without data; the same value as {@code io.satstream.schemas.MaskValues.NO_DATA}
     * (this module does not depend on the schemas).
     */
    public static final int NO_DATA = 255;

    /** Class indices must stay below {@link #NO_DATA} so that a class never reads as "no data". */
    public static final int MAX_CLASSES = NO_DATA;

    private MaskDecoder() {
    }

    /** Decodes image {@code index} of a logits batch shaped (n, numClasses, height, width); every pixel has data. */
    public static MaskResult decode(float[] logits, int index, int numClasses, int height, int width) {
        return decode(logits, index, numClasses, height, width, null);
    }

    /**
     * Decodes image {@code index} of a logits batch shaped (n, numClasses, height, width).
     *
     * @param valid one byte per pixel, row-major, 0 where the tile has no data; null when every pixel has data.
     *     Pixels without data get {@link #NO_DATA} and are left out of the class counts and the mean confidence
     *     (which is 0 when no pixel has data).
     */
    public static MaskResult decode(float[] logits, int index, int numClasses, int height, int width, byte[] valid) {
        Objects.requireNonNull(logits, "logits");
        checkClassCount(numClasses);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height and width must be positive: " + height + "x" + width);
        }
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        int hw = Math.multiplyExact(height, width);
        long plane = (long) numClasses * hw;
        if ((index + 1) * plane > logits.length) {
            throw new IllegalArgumentException("logits of length " + logits.length + " hold no image " + index
                    + " of " + numClasses + "x" + height + "x" + width);
        }
        if (valid != null && valid.length != hw) {
            throw new IllegalArgumentException("validity mask has " + valid.length + " values, expected " + hw
                    + " for " + height + "x" + width);
        }
        int base = (int) (index * plane);

        // Class-major loops walk each class plane contiguously, which is what keeps this cache friendly. The argmax
        // runs on every pixel (branch-free of validity); pixels without data are overwritten afterwards.
        byte[] mask = new byte[hw];
        float[] max = new float[hw];
        System.arraycopy(logits, base, max, 0, hw);
        for (int k = 1; k < numClasses; k++) {
            int off = base + k * hw;
            byte label = (byte) k;
            for (int p = 0; p < hw; p++) {
                float v = logits[off + p];
                if (v > max[p]) {
                    max[p] = v;
                    mask[p] = label;
                }
            }
        }

        double confidenceSum;
        if (numClasses == 2) {
            // softmax of the winner of two logits = 1 / (1 + exp(-|l0 - l1|)): one exp per pixel
            confidenceSum = 0;
            int off1 = base + hw;
            if (valid == null) {
                for (int p = 0; p < hw; p++) {
                    float d = Math.abs(logits[base + p] - logits[off1 + p]);
                    confidenceSum += 1f / (1f + FastExp.expNonPositive(-d));
                }
            } else {
                for (int p = 0; p < hw; p++) {
                    if (valid[p] != 0) {
                        float d = Math.abs(logits[base + p] - logits[off1 + p]);
                        confidenceSum += 1f / (1f + FastExp.expNonPositive(-d));
                    }
                }
            }
        } else {
            // The exp sums stay over all pixels: skipping per pixel would break the contiguous class-major sweep.
            float[] sum = new float[hw];
            for (int k = 0; k < numClasses; k++) {
                int off = base + k * hw;
                for (int p = 0; p < hw; p++) {
                    sum[p] += FastExp.expNonPositive(logits[off + p] - max[p]);
                }
            }
            confidenceSum = 0;
            if (valid == null) {
                for (int p = 0; p < hw; p++) {
                    confidenceSum += 1.0 / sum[p];
                }
            } else {
                for (int p = 0; p < hw; p++) {
                    if (valid[p] != 0) {
                        confidenceSum += 1.0 / sum[p];
                    }
                }
            }
        }

        long[] counts = new long[numClasses];
        long withData;
        if (valid == null) {
            for (int p = 0; p < hw; p++) {
                counts[mask[p] & 0xFF]++;
            }
            withData = hw;
        } else {
            byte noData = (byte) NO_DATA;
            for (int p = 0; p < hw; p++) {
                if (valid[p] != 0) {
                    counts[mask[p] & 0xFF]++;
                } else {
                    mask[p] = noData;
                }
            }
            withData = 0;
            for (long c : counts) {
                withData += c;
            }
        }
        float meanConfidence = withData == 0 ? 0f : (float) (confidenceSum / withData);
        return new MaskResult(mask, counts, meanConfidence);
    }

    /**
     * Throws unless a model with {@code numClasses} outputs can be decoded into a mask: at least 2 classes, and
     * fewer than {@link #NO_DATA} so that no class index collides with the no-data value.
     */
    public static void checkClassCount(int numClasses) {
        if (numClasses < 2 || numClasses > MAX_CLASSES) {
            throw new IllegalArgumentException("numClasses must be in 2.." + MAX_CLASSES
                    + " to fit a byte mask whose value " + NO_DATA + " means no data: " + numClasses);
        }
    }
}
