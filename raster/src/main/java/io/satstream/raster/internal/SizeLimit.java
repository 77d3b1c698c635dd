package io.satstream.raster.internal;

import io.satstream.raster.RasterDecodeException;

/**
 * Refuses images whose header promises more than the decoder may allocate, before any pixel is decoded:
 * a 100000x100000 header must cost an exception, not an OutOfMemoryError.
 */
public record SizeLimit(long maxPixels, long maxDecodedBytes) {
    /** Decoded bytes allowed per pixel on average when no byte limit is given: 4 bands of uint16, or 2 of float32. */
    static final int MAX_BYTES_PER_PIXEL = 8;

    public SizeLimit {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (maxDecodedBytes <= 0) {
            throw new IllegalArgumentException("maxDecodedBytes must be positive, got " + maxDecodedBytes);
        }
    }

    /** {@code maxPixels}, and {@value #MAX_BYTES_PER_PIXEL} decoded bytes per pixel on average. */
    public SizeLimit(long maxPixels) {
        this(maxPixels, maxPixels * MAX_BYTES_PER_PIXEL);
    }

    public void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new RasterDecodeException("image is " + width + "x" + height);
        }
        if ((long) width * height > maxPixels) {
            throw new RasterDecodeException("image claims " + width + "x" + height + " pixels, more than the limit of "
                    + maxPixels);
        }
    }

    public void checkDecodedBytes(int width, int height, int samplesPerPixel, int bytesPerSample) {
        long bytes = (long) width * height * samplesPerPixel * bytesPerSample;
        long allowed = maxDecodedBytes;
        if (bytes > allowed || bytes > Integer.MAX_VALUE - 16) {
            throw new RasterDecodeException("image of " + width + "x" + height + "x" + samplesPerPixel + " samples of "
                    + bytesPerSample + " bytes needs " + (bytes >> 20) + " MiB decoded, more than the limit of "
                    + (Math.min(allowed, Integer.MAX_VALUE) >> 20) + " MiB");
        }
    }
}
