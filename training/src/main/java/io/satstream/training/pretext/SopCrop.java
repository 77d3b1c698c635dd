package io.satstream.training.pretext;

import java.util.Random;

/**
 * Where a sub-image lies in its parent tile: rows {@code [y, y + height)} and columns {@code [x, x + width)} of a
 * {@code size} x {@code size} parent. The Subimage Overlap Prediction target is this rectangle as a mask.
 */
public record SopCrop(int y, int x, int height, int width, int size) {

    public SopCrop {
        if (size < 1 || height < 1 || width < 1 || y < 0 || x < 0 || y + height > size || x + width > size) {
            throw new IllegalArgumentException("crop rows " + y + ".." + (y + height) + ", columns " + x + ".."
                    + (x + width) + " does not lie inside a " + size + "x" + size + " tile");
        }
    }

    /**
     * A crop whose sides are drawn independently and uniformly from {@code [minFraction, maxFraction] * size}
     * (rounded, at least 1 pixel; any aspect ratio), placed uniformly where it fits.
     */
    public static SopCrop draw(int size, double minFraction, double maxFraction, Random rnd) {
        if (!(minFraction > 0) || maxFraction > 1 || minFraction > maxFraction) {
            throw new IllegalArgumentException("crop fractions must satisfy 0 < min <= max <= 1, got " + minFraction
                    + ".." + maxFraction);
        }
        int lo = Math.max(1, (int) Math.ceil(minFraction * size));
        int hi = Math.max(lo, (int) Math.floor(maxFraction * size));
        int h = lo + rnd.nextInt(hi - lo + 1);
        int w = lo + rnd.nextInt(hi - lo + 1);
        return new SopCrop(rnd.nextInt(size - h + 1), rnd.nextInt(size - w + 1), h, w, size);
    }

    public boolean contains(int row, int col) {
        return row >= y && row < y + height && col >= x && col < x + width;
    }

    /** The target: 1 inside the rectangle, 0 elsewhere, row-major over the parent, written at {@code offset}. */
    public void maskInto(long[] dst, int offset) {
        for (int row = 0; row < size; row++) {
            for (int col = 0; col < size; col++) {
                dst[offset + row * size + col] = contains(row, col) ? 1 : 0;
            }
        }
    }

    /** Row of the parent that output row {@code i} of the crop resized to {@code size} rows comes from (nearest). */
    public int sourceRow(int i) {
        return y + (int) ((long) i * height / size);
    }

    /** Column of the parent that output column {@code j} of the crop resized to {@code size} columns comes from. */
    public int sourceCol(int j) {
        return x + (int) ((long) j * width / size);
    }
}
