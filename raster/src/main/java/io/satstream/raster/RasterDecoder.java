package io.satstream.raster;

import io.satstream.raster.internal.PngJpegDecoder;
import io.satstream.raster.internal.SizeLimit;
import io.satstream.raster.internal.TiffDecoder;

/**
 * Decodes PNG, JPEG and (Geo)TIFF bytes into a {@link RasterImage}. Every failure is a
 * {@link RasterDecodeException} with a one-line reason; an image whose header claims more than
 * {@code maxPixels} pixels is refused before decoding, so hostile input cannot exhaust the heap.
 * Instances are stateless and thread-safe.
 */
public final class RasterDecoder {
    /** 64 Mi pixels: an 8192x8192 scene. */
    public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;

    private final SizeLimit limit;

    public RasterDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public RasterDecoder(long maxPixels) {
        this.limit = new SizeLimit(maxPixels);
    }

    /**
     * Refuses, from the header and before decoding, images of more than {@code maxPixels} pixels or whose
     * decoded samples (all bands) would take more than {@code maxDecodedBytes}.
     */
    public RasterDecoder(long maxPixels, long maxDecodedBytes) {
        this.limit = new SizeLimit(maxPixels, maxDecodedBytes);
    }

    public long maxPixels() {
        return limit.maxPixels();
    }

    public RasterImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new RasterDecodeException("no image data (empty value)");
        }
        ImageFormat format = ImageFormat.detect(bytes);
        return switch (format) {
            case PNG, JPEG -> PngJpegDecoder.decode(bytes, format, limit);
            case TIFF -> TiffDecoder.decode(bytes, limit);
            case UNKNOWN -> throw new RasterDecodeException(
                    "not a PNG, JPEG or TIFF image (first bytes: " + firstBytes(bytes) + ")");
        };
    }

    private static String firstBytes(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            if (i > 0) {
                hex.append(' ');
            }
            hex.append(String.format("%02X", bytes[i] & 0xFF));
        }
        if (bytes.length > 8) {
            hex.append(" ..");
        }
        return hex.toString();
    }
}
