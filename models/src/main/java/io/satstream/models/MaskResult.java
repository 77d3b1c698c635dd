package io.satstream.models;

/**
 * A decoded segmentation mask: one class index per pixel (row-major, unsigned byte), the pixel count of each class,
 * and the mean softmax probability of the winning class over all pixels.
 */
public record MaskResult(byte[] mask, long[] classCounts, float meanConfidence) {
}
