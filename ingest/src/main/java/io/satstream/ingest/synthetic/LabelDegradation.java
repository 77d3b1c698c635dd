package io.satstream.ingest.synthetic;

import java.util.Arrays;
import java.util.Random;

/**
 * Makes true class masks look like an automatic land-cover product's: coarser (majority class of
 * {@code block} x {@code block} cells, as a lower-resolution product resampled to the tile), shifted by up to
 * {@code maxShift} pixels (misregistration), and with a share {@code confusion} of the cells relabelled to a
 * random other class (classification errors). The noisy-label pretraining objective learns from such masks; the
 * synthetic feed emits them with {@code --noisy-labels}. Deterministic for a given seed and tile.
 *
 * @param block side of the cells the mask is coarsened to (1 = no coarsening)
 * @param maxShift largest shift, in pixels, along each axis (0 = none)
 * @param confusion share of cells given a wrong class, in [0, 1]
 * @param numClasses classes the mask uses (labels 0..numClasses-1; 255 = ignore is kept as it is)
 */
public record LabelDegradation(int block, int maxShift, double confusion, int numClasses) {

    public static final int IGNORE = 255;

    /** 8-pixel cells, shifts up to 4 pixels, 10 % of the cells confused. */
    public static LabelDegradation typical(int numClasses) {
        return new LabelDegradation(8, 4, 0.1, numClasses);
    }

    public LabelDegradation {
        if (block < 1 || maxShift < 0 || !(confusion >= 0 && confusion <= 1) || numClasses < 2 || numClasses > 255) {
            throw new IllegalArgumentException("block >= 1, maxShift >= 0, confusion in [0, 1] and 2..255 classes"
                    + " expected, got " + block + ", " + maxShift + ", " + confusion + ", " + numClasses);
        }
    }

    /** A degraded copy of {@code labels} ({@code width} x {@code height}, row-major). */
    public byte[] apply(byte[] labels, int width, int height, Random rnd) {
        byte[] coarse = coarsen(labels, width, height);
        int dx = maxShift == 0 ? 0 : rnd.nextInt(2 * maxShift + 1) - maxShift;
        int dy = maxShift == 0 ? 0 : rnd.nextInt(2 * maxShift + 1) - maxShift;
        byte[] out = new byte[labels.length];
        for (int y = 0; y < height; y++) {
            int sy = Math.max(0, Math.min(height - 1, y - dy));
            for (int x = 0; x < width; x++) {
                int sx = Math.max(0, Math.min(width - 1, x - dx));
                out[y * width + x] = coarse[sy * width + sx];
            }
        }
        confuse(out, width, height, rnd);
        return out;
    }

    /** Every cell takes the class most of its labelled pixels have (ties: the smaller class). */
    private byte[] coarsen(byte[] labels, int width, int height) {
        if (block == 1) {
            return labels.clone();
        }
        byte[] out = new byte[labels.length];
        int[] counts = new int[256];
        for (int by = 0; by < height; by += block) {
            for (int bx = 0; bx < width; bx += block) {
                Arrays.fill(counts, 0);
                int yEnd = Math.min(height, by + block);
                int xEnd = Math.min(width, bx + block);
                for (int y = by; y < yEnd; y++) {
                    for (int x = bx; x < xEnd; x++) {
                        counts[labels[y * width + x] & 0xFF]++;
                    }
                }
                int best = IGNORE;
                for (int c = 0; c < numClasses; c++) {
                    if (counts[c] > 0 && (best == IGNORE || counts[c] > counts[best])) {
                        best = c;
                    }
                }
                for (int y = by; y < yEnd; y++) {
                    for (int x = bx; x < xEnd; x++) {
                        out[y * width + x] = (byte) best;
                    }
                }
            }
        }
        return out;
    }

    private void confuse(byte[] mask, int width, int height, Random rnd) {
        if (confusion == 0) {
            return;
        }
        for (int by = 0; by < height; by += block) {
            for (int bx = 0; bx < width; bx += block) {
                if (rnd.nextDouble() >= confusion) {
                    continue;
                }
                for (int y = by; y < Math.min(height, by + block); y++) {
                    for (int x = bx; x < Math.min(width, bx + block); x++) {
                        int c = mask[y * width + x] & 0xFF;
                        if (c != IGNORE) {
                            int other = rnd.nextInt(numClasses - 1);
                            mask[y * width + x] = (byte) (other >= c ? other + 1 : other);
                        }
                    }
                }
            }
        }
    }
}
