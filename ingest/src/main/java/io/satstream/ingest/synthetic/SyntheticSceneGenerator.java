package io.satstream.ingest.synthetic;

import java.util.List;
import java.util.SplittableRandom;

import io.satstream.ingest.synthetic.internal.BuildingPainter;
import io.satstream.ingest.synthetic.internal.Canvas;
import io.satstream.ingest.synthetic.internal.CloudPainter;
import io.satstream.ingest.synthetic.internal.RoadPainter;
import io.satstream.ingest.synthetic.internal.TerrainPainter;

/**
 * Procedural aerial scenes at about 0.6 m per pixel with exact labels: terrain (water, vegetation, bare
 * soil) from value noise, roads, buildings with shadows, and clouds, painted in that order. Each scene
 * also gets its own illumination and sensor noise. The same (seed, index) always gives the same bytes;
 * scenes are independent, so any index can be generated on its own. Thread-safe.
 */
public final class SyntheticSceneGenerator {
    public static final List<String> CLASS_NAMES =
            List.of("water", "vegetation", "bare_soil", "road", "building", "cloud");

    private final long seed;
    private final int tileSize;

    public SyntheticSceneGenerator(long seed, int tileSize) {
        if (tileSize < 16 || tileSize > 4096) {
            throw new IllegalArgumentException("tile size must be 16..4096 px, got " + tileSize);
        }
        this.seed = seed;
        this.tileSize = tileSize;
    }

    public long seed() {
        return seed;
    }

    public int tileSize() {
        return tileSize;
    }

    public LabeledScene generate(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("scene index must not be negative, got " + index);
        }
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        Canvas canvas = new Canvas(tileSize, tileSize);
        // each layer draws from its own stream, so changing one layer leaves the others' scenes as they were
        TerrainPainter.paint(canvas, random.split());
        List<RoadPainter.Sample> roads = RoadPainter.paint(canvas, random.split());
        BuildingPainter.paint(canvas, random.split(), roads);
        CloudPainter.paint(canvas, random.split());
        applySensor(canvas, random.split());
        return new LabeledScene(tileSize, tileSize, canvas.toPlanarRgb(), canvas.labels);
    }

    /** Scene-wide brightness and colour cast, then per-pixel sensor noise. */
    private static void applySensor(Canvas canvas, SplittableRandom random) {
        float brightness = 0.88f + 0.24f * (float) random.nextDouble();
        float red = brightness * (0.96f + 0.08f * (float) random.nextDouble());
        float green = brightness * (0.96f + 0.08f * (float) random.nextDouble());
        float blue = brightness * (0.96f + 0.08f * (float) random.nextDouble());
        for (int i = 0; i < canvas.labels.length; i++) {
            long bits = random.nextLong();
            // three cheap triangular noises (sum of two uniform bytes) from one random long
            float nr = ((bits & 0xFF) + ((bits >>> 8) & 0xFF) - 255) / 255f * 5f;
            float ng = (((bits >>> 16) & 0xFF) + ((bits >>> 24) & 0xFF) - 255) / 255f * 5f;
            float nb = (((bits >>> 32) & 0xFF) + ((bits >>> 40) & 0xFF) - 255) / 255f * 5f;
            canvas.red[i] = canvas.red[i] * red + nr;
            canvas.green[i] = canvas.green[i] * green + ng;
            canvas.blue[i] = canvas.blue[i] * blue + nb;
        }
    }

    /** A well-spread 64-bit seed per scene (SplitMix64 finaliser over seed and index). */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
