package io.satstream.ingest.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.raster.RasterDecoder;

/**
 * How a {@link DirectoryFeed} watches and reads.
 *
 * @param dir the watched directory (its files only, not sub-directories)
 * @param tiling tile size and overlap
 * @param maxFileBytes larger files are refused before being read
 * @param maxPixels larger images (by their header) are refused before being decoded
 * @param maxTileBytes a scene whose tiles would be larger (width x height x bands x sample size) is refused:
 *     such a tile would not fit in a Kafka message
 * @param stableFor a file is read once its size and modification time have not changed for this long, so a
 *     file still being copied in is not read half-written
 * @param rescanEvery full directory listing interval, besides watch events (which can be lost)
 * @param once process the files present (waiting for them to be stable) and then be exhausted
 */
public record DirectoryFeedSettings(Path dir, TilerSettings tiling, long maxFileBytes, long maxPixels,
        long maxTileBytes, Duration stableFor, Duration rescanEvery, boolean once) {

    public static final long DEFAULT_MAX_FILE_BYTES = 1L << 30;
    /** What fits in a 64 MiB Kafka message with room for the record around it. */
    public static final long DEFAULT_MAX_TILE_BYTES = 64L * 1024 * 1024 - 64 * 1024;

    public DirectoryFeedSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(tiling, "tiling");
        Objects.requireNonNull(stableFor, "stableFor");
        Objects.requireNonNull(rescanEvery, "rescanEvery");
        if (maxFileBytes <= 0 || maxPixels <= 0 || maxTileBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (stableFor.isNegative() || rescanEvery.isNegative() || rescanEvery.isZero()) {
            throw new IllegalArgumentException("stableFor must be >= 0 and rescanEvery > 0");
        }
    }

    /** Defaults: 1 GiB files, {@link RasterDecoder#DEFAULT_MAX_PIXELS}, 2 s stability, rescan every 5 s. */
    public static DirectoryFeedSettings of(Path dir, TilerSettings tiling, boolean once) {
        return new DirectoryFeedSettings(dir, tiling, DEFAULT_MAX_FILE_BYTES, RasterDecoder.DEFAULT_MAX_PIXELS,
                DEFAULT_MAX_TILE_BYTES, Duration.ofSeconds(2), Duration.ofSeconds(5), once);
    }

    public DirectoryFeedSettings withStableFor(Duration value) {
        return new DirectoryFeedSettings(dir, tiling, maxFileBytes, maxPixels, maxTileBytes, value, rescanEvery, once);
    }

    public DirectoryFeedSettings withRescanEvery(Duration value) {
        return new DirectoryFeedSettings(dir, tiling, maxFileBytes, maxPixels, maxTileBytes, stableFor, value, once);
    }

    public DirectoryFeedSettings withMaxFileBytes(long value) {
        return new DirectoryFeedSettings(dir, tiling, value, maxPixels, maxTileBytes, stableFor, rescanEvery, once);
    }

    public DirectoryFeedSettings withMaxPixels(long value) {
        return new DirectoryFeedSettings(dir, tiling, maxFileBytes, value, maxTileBytes, stableFor, rescanEvery, once);
    }

    public DirectoryFeedSettings withMaxTileBytes(long value) {
        return new DirectoryFeedSettings(dir, tiling, maxFileBytes, maxPixels, value, stableFor, rescanEvery, once);
    }
}
