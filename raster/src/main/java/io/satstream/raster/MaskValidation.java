package io.satstream.raster;

import java.util.Objects;

import io.satstream.schemas.MaskValues;

/**
 * Checks shared by the mask encoders: the buffer matches the size and every value is a class index or
 * {@link MaskValues#NO_DATA}.
 */
final class MaskValidation {
    private MaskValidation() {}

    /** @param classCount how many classes the mask may use; 0 checks only the size */
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
            if (value >= classCount && value != MaskValues.NO_DATA) {
                throw new IllegalArgumentException("mask value " + value + " at (" + i % width + ", " + i / width
                        + ") is neither a class index (" + classCount + " classes) nor no-data ("
                        + MaskValues.NO_DATA + ")");
            }
        }
    }
}
