package io.satstream.ingest.tiling;

/**
 * One tile's place in its scene: grid {@code row}/{@code col}, the pixel offset of its top-left corner and
 * its size. {@code validWidth}/{@code validHeight} say how much of it lies inside the scene; the rest (at
 * the right and bottom edges only) is padding.
 */
public record TileWindow(int row, int col, int xOffset, int yOffset, int width, int height, int validWidth,
        int validHeight) {

    public TileWindow {
        if (row < 0 || col < 0 || xOffset < 0 || yOffset < 0) {
            throw new IllegalArgumentException("negative window position: row " + row + ", col " + col + ", offset "
                    + xOffset + "," + yOffset);
        }
        if (width <= 0 || height <= 0 || validWidth <= 0 || validHeight <= 0 || validWidth > width
                || validHeight > height) {
            throw new IllegalArgumentException("bad window size " + width + "x" + height + " (valid " + validWidth
                    + "x" + validHeight + ")");
        }
    }

    /** True when part of the window lies outside the scene. */
    public boolean padded() {
        return validWidth < width || validHeight < height;
    }
}
