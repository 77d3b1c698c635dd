package io.satstream.models;

import io.satstream.models.internal.FastExp;
import java.util.Objects;

/** Turns NCHW logits into a per-pixel class mask (argmax) with class counts and confidence; runs once per tile. */
public final class MaskDecoder {

    private MaskDecoder() {
    }

    /** Decodes image {@code index} of a logits batch shaped (n, numClasses, height, width). */
    public static MaskResult decode(float[] logits, int index, int numClasses, int height, int width) {
        Objects.requireNonNull(logits, "logits");
        if (numClasses < 2 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be in 2..256 to fit a byte mask: " + numClasses);
        }
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
        int base = (int) (index * plane);

        // Class-major loops walk each class plane contiguously, which is what keeps this cache friendly.
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
            for (int p = 0; p < hw; p++) {
                float d = Math.abs(logits[base + p] - logits[off1 + p]);
                confidenceSum += 1f / (1f + FastExp.expNonPositive(-d));
            }
        } else {
            float[] sum = new float[hw];
            for (int k = 0; k < numClasses; k++) {
                int off = base + k * hw;
                for (int p = 0; p < hw; p++) {
                    sum[p] += FastExp.expNonPositive(logits[off + p] - max[p]);
                }
            }
            confidenceSum = 0;
            for (int p = 0; p < hw; p++) {
                confidenceSum += 1.0 / sum[p];
            }
        }

        long[] counts = new long[numClasses];
        for (int p = 0; p < hw; p++) {
            counts[mask[p] & 0xFF]++;
        }
        return new MaskResult(mask, counts, (float) (confidenceSum / hw));
    }
}
