package io.satstream.training.pretrain;

import io.satstream.training.LabeledSample;
import java.util.Random;

/** Labelled 8-bit test scenes: a dark ground (class 0) with grey (1) and bright (2) rectangles and noise. */
final class Blobs {

    private static final int[] LEVEL = {40, 128, 215};

    private Blobs() {
    }

    static LabeledSample sample(int size, Random rnd) {
        byte[] labels = new byte[size * size];
        int rects = 2 + rnd.nextInt(3);
        for (int r = 0; r < rects; r++) {
            int cls = 1 + rnd.nextInt(2);
            int w = 4 + rnd.nextInt(size / 2);
            int h = 4 + rnd.nextInt(size / 2);
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
            for (int b = 0; b < 3; b++) {
                int v = LEVEL[labels[p]] + (b - 1) * 10 + (int) Math.round(rnd.nextGaussian() * 12);
                pixels[b * size * size + p] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new LabeledSample(pixels, labels, size, size);
    }
}
