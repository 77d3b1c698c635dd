package io.satstream.ingest.synthetic;

import java.util.Arrays;
import java.util.Objects;

/**
 * A rendered scene and its ground truth.
 *
 * @param rgbPlanar 8-bit samples, red plane then green then blue, each row-major
 * @param labels one class index per pixel, row-major, indexing {@link SyntheticSceneGenerator#CLASS_NAMES}
 */
public record LabeledScene(int width, int height, byte[] rgbPlanar, byte[] labels) {
    public LabeledScene {
        Objects.requireNonNull(rgbPlanar, "rgbPlanar");
        Objects.requireNonNull(labels, "labels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("scene size must be positive, got " + width + "x" + height);
        }
        if (rgbPlanar.length != 3 * width * height || labels.length != width * height) {
            throw new IllegalArgumentException("buffers do not match " + width + "x" + height + ": rgb "
                    + rgbPlanar.length + " bytes, labels " + labels.length);
        }
    }

    /** Pixels per class, indexed like {@link SyntheticSceneGenerator#CLASS_NAMES}. */
    public long[] classPixelCounts() {
        long[] counts = new long[SyntheticSceneGenerator.CLASS_NAMES.size()];
        for (byte label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabeledScene s && width == s.width && height == s.height
                && Arrays.equals(rgbPlanar, s.rgbPlanar) && Arrays.equals(labels, s.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, Arrays.hashCode(rgbPlanar), Arrays.hashCode(labels));
    }

    @Override
    public String toString() {
        return "LabeledScene[" + width + "x" + height + "]";
    }
}
