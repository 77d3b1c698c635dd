package io.satstream.training.pretext;

import java.util.Objects;

/**
 * One square tile as an objective sees it: {@code bands} planes of {@code size} x {@code size} normalised floats
 * (the serving model's input normalisation already applied), and optionally one class label per pixel
 * ({@value #IGNORE} = unlabelled).
 */
public record TileSample(float[] pixels, int bands, int size, byte[] labels) {

    /** The label of a pixel nobody labelled; such pixels carry no loss. */
    public static final int IGNORE = 255;

    public TileSample {
        Objects.requireNonNull(pixels, "pixels");
        if (bands < 1 || size < 1) {
            throw new IllegalArgumentException("bands and size must be positive: " + bands + ", " + size);
        }
        if (pixels.length != bands * size * size) {
            throw new IllegalArgumentException("expected " + bands * size * size + " values for " + bands + " bands of "
                    + size + "x" + size + ", got " + pixels.length);
        }
        if (labels != null && labels.length != size * size) {
            throw new IllegalArgumentException("expected " + size * size + " labels for " + size + "x" + size + ", got "
                    + labels.length);
        }
    }

    public boolean labelled() {
        return labels != null;
    }
}
