package io.satstream.raster;

import java.util.Objects;

/** Checks shared by the mask encoders: the buffer matches the size and every value is a class index. */
final class MaskValidation {
    private MaskValidation() {}

    static void check(byte[] mask, int width, int height, int classCount) {
        Objects.requireNonNull(mask, "mask");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + width + "x" + height);
        }
        if (mask.length != (long) width * height) {
            throw new IllegalArgumentException("mask holds " + mask.length + " values, but " + width + "x" + height
                    + " needs " + (long) width * height);
        }
        if (classCount <= 0) {
            return;
        }
        for (int i = 0; i < mask.length; i++) {
            int value = mask[i] & 0xFF;
            if (value >= classCount) {
                throw new IllegalArgumentException("mask value " + value + " at (" + i % width + ", " + i / width
                        + ") is not a class index (" + classCount + " classes)");
            }
        }
    }
}
