package io.satstream.raster.internal;

import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;

/** Copies the samples of an AWT {@link Raster} into the planar, row-major, little-endian layout of a tile. */
public final class PlanarPacker {

    private PlanarPacker() {}

    /** Copies the given raster bands, in that order, as samples of {@code type}. */
    public static byte[] pack(Raster raster, int[] rasterBands, DataType type) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bytesPerSample = RasterImage.bytesPerSample(type);
        long planeBytes = (long) width * height * bytesPerSample;
        byte[] out = new byte[Math.toIntExact(planeBytes * rasterBands.length)];
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        // one row at a time: a whole-plane int[] would double the peak memory of big images
        int[] intRow = type == DataType.FLOAT32 ? null : new int[width];
        float[] floatRow = type == DataType.FLOAT32 ? new float[width] : null;
        for (int b = 0; b < rasterBands.length; b++) {
            int pos = Math.toIntExact(b * planeBytes);
            for (int y = 0; y < height; y++) {
                switch (type) {
                    case UINT8 -> {
                        raster.getSamples(minX, minY + y, width, 1, rasterBands[b], intRow);
                        for (int x = 0; x < width; x++) {
                            out[pos++] = (byte) intRow[x];
                        }
                    }
                    case UINT16 -> {
                        raster.getSamples(minX, minY + y, width, 1, rasterBands[b], intRow);
                        for (int x = 0; x < width; x++) {
                            int v = intRow[x];
                            out[pos++] = (byte) v;
                            out[pos++] = (byte) (v >>> 8);
                        }
                    }
                    case FLOAT32 -> {
                        raster.getSamples(minX, minY + y, width, 1, rasterBands[b], floatRow);
                        for (int x = 0; x < width; x++) {
                            int v = Float.floatToRawIntBits(floatRow[x]);
                            out[pos++] = (byte) v;
                            out[pos++] = (byte) (v >>> 8);
                            out[pos++] = (byte) (v >>> 16);
                            out[pos++] = (byte) (v >>> 24);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Looks each palette index up: three planes (red, green, blue), or one plane when {@code grayOnly}. */
    public static byte[] expandPalette(Raster raster, IndexColorModel palette, boolean grayOnly) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int plane = Math.multiplyExact(width, height);
        byte[] out = new byte[Math.multiplyExact(plane, grayOnly ? 1 : 3)];
        int size = palette.getMapSize();
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        palette.getReds(reds);
        palette.getGreens(greens);
        palette.getBlues(blues);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            int base = y * width;
            for (int x = 0; x < width; x++) {
                int index = row[x];
                if (index >= size) {
                    throw new IllegalArgumentException("palette index " + index + " beyond the palette's " + size + " entries");
                }
                out[base + x] = reds[index];
                if (!grayOnly) {
                    out[plane + base + x] = greens[index];
                    out[2 * plane + base + x] = blues[index];
                }
            }
        }
        return out;
    }

    /** True when every palette entry is a shade of grey, so one band carries all of it. */
    public static boolean isGrayPalette(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int r = palette.getRed(i);
            if (r != palette.getGreen(i) || r != palette.getBlue(i)) {
                return false;
            }
        }
        return true;
    }
}
