package io.satstream.jobs;

import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Random;

/** Tiles and paths for the job's tests (stream-jobs does not depend on ingest, so it makes its own). */
public final class TestTiles {
    private TestTiles() {}

    /** A random RGB uint8 tile with a georeference. */
    public static Tile rgb(String id, int width, int height, long seed) {
        byte[] pixels = new byte[width * height * 3];
        new Random(seed).nextBytes(pixels);
        return Tile.newBuilder()
                .setTileId(id)
                .setSceneId(id)
                .setSource("test")
                .setIngestedAt(Instant.now())
                .setWidth(width)
                .setHeight(height)
                .setBands(List.of("red", "green", "blue"))
                .setDataType(DataType.UINT8)
                .setPixels(ByteBuffer.wrap(pixels))
                .setGeoref(GeoReference.newBuilder().setEpsg(3857)
                        .setGeoTransform(List.of(1000.0, 0.6, 0.0, 2000.0, 0.0, -0.6)).build())
                .setAttributes(new HashMap<>())
                .build();
    }

    /** {@code ../shared/data} seen from the repository root (tests run in the module directory). */
    public static Path sharedData() {
        for (Path p : List.of(Path.of("../../shared/data"), Path.of("../shared/data"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("shared data not found at ../shared/data beside the repository");
    }
}
