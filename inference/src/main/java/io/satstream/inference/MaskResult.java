package io.satstream.inference;

/**
 * A decoded segmentation mask: one class index per pixel (row-major, unsigned byte; {@link MaskDecoder#NO_DATA}
 * where the tile had no data), the pixel count of each class (pixels with data only), and the mean softmax
 * probability of the winning class over the pixels with data (0 when there are none).
 */
public record MaskResult(byte[] mask, long[] classCounts, float meanConfidence) {

    /** Pixels that got a class, i.e. that had data. */
    public long pixelsWithData() {
        long n = 0;
        for (long c : classCounts) {
            n += c;
        }
        return n;
    }
}
