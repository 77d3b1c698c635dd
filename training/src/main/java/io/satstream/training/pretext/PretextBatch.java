package io.satstream.training.pretext;

import java.util.Objects;

/**
 * One training batch an objective built from tiles: the network input (N, C, S, S) and a per-pixel target (N, 1, S,
 * S) of class indices with a weight per pixel (0 = no loss at this pixel). Plain arrays, so the construction is exact
 * and testable without an engine.
 */
public record PretextBatch(float[] input, int n, int channels, int size, long[] target, float[] weight) {

    public PretextBatch {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(weight, "weight");
        long pixels = (long) n * size * size;
        if (n < 1 || channels < 1 || size < 1 || input.length != pixels * channels) {
            throw new IllegalArgumentException("input of " + input.length + " values is not (" + n + ", " + channels
                    + ", " + size + ", " + size + ")");
        }
        if (target.length != pixels || weight.length != pixels) {
            throw new IllegalArgumentException("target and weight need " + pixels + " values, got " + target.length
                    + " and " + weight.length);
        }
    }

    /** Pixels that carry a loss. */
    public long weighted() {
        long count = 0;
        for (float w : weight) {
            if (w != 0f) {
                count++;
            }
        }
        return count;
    }
}
