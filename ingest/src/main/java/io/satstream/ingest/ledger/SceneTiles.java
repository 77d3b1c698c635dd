package io.satstream.ingest.ledger;

import java.util.Iterator;
import java.util.Objects;

import io.satstream.schemas.Tile;

/**
 * One scene ready to go to Kafka as a unit: its identity for the {@link IngestLedger} and its tiles,
 * produced lazily.
 *
 * @param source where it came from, e.g. {@code files:/in/a.tif}
 * @param fingerprint identifies this version of the scene's content (e.g. {@code sha256:...})
 * @param tileCount how many tiles {@code tiles} will yield
 */
public record SceneTiles(String sceneId, String source, String fingerprint, int tileCount, Iterator<Tile> tiles)
        implements Scene {
    public SceneTiles {
        Objects.requireNonNull(sceneId, "sceneId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(tiles, "tiles");
        if (tileCount < 1) {
            throw new IllegalArgumentException("a scene has at least one tile, got " + tileCount);
        }
    }
}
