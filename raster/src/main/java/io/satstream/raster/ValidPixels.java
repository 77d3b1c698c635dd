package io.satstream.raster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import io.satstream.schemas.DataType;
import io.satstream.schemas.Tile;
import io.satstream.schemas.TilePlacement;

/**
 * Which pixels of a raster or tile hold data. A pixel has no data when the internal mask says so, when it
 * equals the nodata value in <em>every</em> band (one dark band alone is data: a water pixel can be 0 in
 * blue), or — for a tile — when it lies past the scene's right or bottom edge (padding, known from the
 * tile's placement), or when any of its samples is NaN or infinite (a float raster's usual way to say "no
 * data", and never a value a model can use).
 *
 * <p>Results are one byte per pixel, row-major, 1 = data, 0 = no data; {@code null} means every pixel
 * has data, so the common case allocates nothing.
 */
public final class ValidPixels {
    private ValidPixels() {}

    /** Validity of a decoded raster, or null when every pixel has data. */
    public static byte[] of(RasterImage image) {
        byte[] valid = copyOf(image.validMask());
        valid = applyNodata(image, valid);
        valid = applyNonFinite(image, valid);
        return valid;
    }

    /** Validity of a tile (internal mask, nodata, padding), or null when every pixel has data. */
    public static byte[] of(Tile tile) {
        RasterImage image = RasterImage.fromTile(tile);
        byte[] valid = of(image);
        TilePlacement p = tile.getPlacement();
        if (p == null) {
            return valid;
        }
        int validWidth = clamp(p.getSceneWidth() - p.getXOffset(), image.width());
        int validHeight = clamp(p.getSceneHeight() - p.getYOffset(), image.height());
        if (validWidth == image.width() && validHeight == image.height()) {
            return valid;
        }
        if (valid == null) {
            valid = allValid(image.pixelCount());
        }
        for (int y = 0; y < image.height(); y++) {
            int from = y < validHeight ? y * image.width() + validWidth : y * image.width();
            Arrays.fill(valid, from, (y + 1) * image.width(), (byte) 0);
        }
        return valid;
    }

    /** Pixels with data, given a validity array from this class (null = all). */
    public static int count(byte[] valid, int pixelCount) {
        if (valid == null) {
            return pixelCount;
        }
        int n = 0;
        for (byte v : valid) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }

    private static byte[] copyOf(byte[] mask) {
        if (mask == null) {
            return null;
        }
        byte[] out = new byte[mask.length];
        boolean any = false;
        for (int i = 0; i < mask.length; i++) {
            boolean data = mask[i] != 0;
            out[i] = (byte) (data ? 1 : 0);
            any |= !data;
        }
        return any ? out : null;
    }

    private static byte[] allValid(int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) 1);
        return out;
    }

    /** Clears pixels with a NaN or infinite sample in any band (float32 only: integers are always finite). */
    private static byte[] applyNonFinite(RasterImage image, byte[] valid) {
        if (image.dataType() != DataType.FLOAT32) {
            return valid;
        }
        int n = image.pixelCount();
        ByteBuffer le = ByteBuffer.wrap(image.pixels()).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < image.bandCount(); b++) {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(le.getFloat((b * n + i) * 4))) {
                    if (valid == null) {
                        valid = allValid(n);
                    }
                    valid[i] = 0;
                }
            }
        }
        return valid;
    }

    /** Clears pixels that equal nodata in every band. */
    private static byte[] applyNodata(RasterImage image, byte[] valid) {
        Double nodata = image.nodata();
        if (nodata == null) {
            return valid;
        }
        int n = image.pixelCount();
        int bands = image.bandCount();
        byte[] px = image.pixels();
        ByteBuffer le = ByteBuffer.wrap(px).order(ByteOrder.LITTLE_ENDIAN);
        double nd = nodata;
        for (int i = 0; i < n; i++) {
            boolean allNodata = true;
            for (int b = 0; b < bands && allNodata; b++) {
                int index = b * n + i;
                double v = switch (image.dataType()) {
                    case UINT8 -> px[index] & 0xFF;
                    case UINT16 -> le.getShort(index * 2) & 0xFFFF;
                    case FLOAT32 -> le.getFloat(index * 4);
                };
                allNodata = v == nd || (Double.isNaN(nd) && Double.isNaN(v));
            }
            if (allNodata) {
                if (valid == null) {
                    valid = allValid(n);
                }
                valid[i] = 0;
            }
        }
        return valid;
    }
}
