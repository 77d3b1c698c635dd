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

    /**
     * An RGB uint8 tile of 16-pixel blocks of random colours, with a georeference: random, but with
     * regions like imagery has, so masks have regions too (not per-pixel speckle).
     */
    public static Tile rgb(String id, int width, int height, long seed) {
        byte[] pixels = new byte[width * height * 3];
        Random rnd = new Random(seed);
        int bw = (width + 15) / 16;
        byte[] colours = new byte[bw * ((height + 15) / 16) * 3];
        rnd.nextBytes(colours);
        for (int b = 0; b < 3; b++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    pixels[b * width * height + y * width + x] = colours[((y / 16) * bw + x / 16) * 3 + b];
                }
            }
        }
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
