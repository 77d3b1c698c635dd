package io.satstream.ingest.tiling;

/**
 * How a scene is cut: square tiles of {@code tileSize} pixels, neighbours sharing {@code overlap} pixels.
 * The overlap is kept below half a tile so that every scene pixel lies in at most two tiles per axis.
 */
public record TilerSettings(int tileSize, int overlap) {
    public static final int MIN_TILE_SIZE = 16;
    /** Largest side accepted: a 4096x4096 tile of 13 float32 bands is already ~870 MB. */
    public static final int MAX_TILE_SIZE = 8192;

    public TilerSettings {
        if (tileSize < MIN_TILE_SIZE || tileSize > MAX_TILE_SIZE) {
            throw new IllegalArgumentException(
                    "tile size must be " + MIN_TILE_SIZE + ".." + MAX_TILE_SIZE + ", got " + tileSize);
        }
        if (overlap < 0 || 2 * overlap >= tileSize) {
            throw new IllegalArgumentException(
                    "overlap must be >= 0 and less than half the tile size (" + tileSize + "), got " + overlap);
        }
    }

    /** Distance between the left (top) edges of neighbouring tiles. */
    public int stride() {
        return tileSize - overlap;
    }
}
