package io.satstream.training;

import io.satstream.inference.Evaluation;
import java.util.Random;

/**
 * Test source: a dark background (class 0) with random mid-grey (class 1) and bright (class 2) rectangles, plus
 * per-pixel noise, and a one-pixel ignore border (label 255). The class is learnable from brightness alone.
 */
public final class SyntheticBlobs implements LabeledSampleSource {

    public static final int NUM_CLASSES = 3;
    private static final int[] LEVEL = {40, 128, 215};

    private final int size;

    public SyntheticBlobs(int size) {
        this.size = size;
    }

    @Override
    public LabeledSample next(Random rnd) {
        byte[] labels = new byte[size * size];
        int rects = 2 + rnd.nextInt(4);
        for (int r = 0; r < rects; r++) {
            int cls = 1 + rnd.nextInt(2);
            int w = 8 + rnd.nextInt(size / 2);
            int h = 8 + rnd.nextInt(size / 2);
            int x0 = rnd.nextInt(size - w);
            int y0 = rnd.nextInt(size - h);
            for (int y = y0; y < y0 + h; y++) {
                for (int x = x0; x < x0 + w; x++) {
                    labels[y * size + x] = (byte) cls;
                }
            }
        }
        byte[] pixels = new byte[3 * size * size];
        for (int p = 0; p < size * size; p++) {
            int level = LEVEL[labels[p]];
            for (int b = 0; b < 3; b++) {
                int v = level + (b - 1) * 10 + (int) Math.round(rnd.nextGaussian() * 12);
                pixels[b * size * size + p] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        for (int i = 0; i < size; i++) {
            labels[i] = (byte) Evaluation.IGNORE;
            labels[(size - 1) * size + i] = (byte) Evaluation.IGNORE;
            labels[i * size] = (byte) Evaluation.IGNORE;
            labels[i * size + size - 1] = (byte) Evaluation.IGNORE;
        }
        return new LabeledSample(pixels, labels, size, size);
    }
}
