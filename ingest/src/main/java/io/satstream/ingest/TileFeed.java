package io.satstream.ingest;

import java.util.Optional;

import io.satstream.schemas.Tile;

/**
 * One source of tiles (synthetic scenes, files, a STAC catalogue, an XYZ server). Pull-based: the caller
 * asks for the next tile when it is ready for one. Not required to be thread-safe.
 */
public interface TileFeed extends AutoCloseable {
    /** Short name for logs and the {@code source} of its tiles, e.g. {@code synthetic}. */
    String name();

    /** The next tile; empty when none is available right now or the feed is {@link #exhausted()}. */
    Optional<Tile> next();

    /** True once the feed will never produce another tile. */
    boolean exhausted();

    /** Releases the feed's resources; no exception declared, as feeds here hold none that fail to close. */
    @Override
    void close();
}
