package io.satstream.training;

import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import java.util.Objects;

/**
 * One labelled training image: band-sequential 8-bit pixels (as many bands as the {@link InputSpec}) and one class
 * label per pixel, row-major; label {@value Evaluation#IGNORE} means "ignore this pixel".
 */
public record LabeledSample(byte[] planarUint8, byte[] labels, int width, int height) {

    public LabeledSample {
        Objects.requireNonNull(planarUint8, "planarUint8");
        Objects.requireNonNull(labels, "labels");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be positive: " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (labels.length != pixels) {
            throw new IllegalArgumentException("expected " + pixels + " labels for " + width + "x" + height + ", got "
                    + labels.length);
        }
        if (planarUint8.length == 0 || planarUint8.length % pixels != 0) {
            throw new IllegalArgumentException("pixel buffer of " + planarUint8.length
                    + " bytes is not a whole number of " + width + "x" + height + " bands");
        }
    }

    public int bands() {
        return (int) (planarUint8.length / ((long) width * height));
    }
}
