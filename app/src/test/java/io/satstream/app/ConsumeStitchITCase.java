package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.app.internal.SafeFileNames;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.TilePlacement;
import io.satstream.schemas.Timings;
import io.satstream.testing.oracles.Gdal;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code satstream consume --stitch} against a real broker: the overlapping tiles of a scene, in shuffled
 * order on two partitions, become one GeoTIFF with the scene's size, CRS and geotransform (checked with
 * gdalinfo) and the scene's mask; a scene missing a tile is written at exit with a warning and nodata;
 * per-tile files are still written.
 */
class ConsumeStitchITCase {
    private static final List<String> CLASSES = List.of("background", "building", "road");
    /** RGB.byte.tif's grid (rasterio-landsat-rgb/SOURCE.md): origin and non-square pixels. */
    private static final List<Double> SCENE_GT = List.of(101985.0, 300.0379266750948, 0.0, 2826915.0, 0.0,
            -300.041782729805);
    private static final int W = 150;
    private static final int H = 110;
    private static final int TILE = 64;
    private static final int OVERLAP = 16;

    @TempDir
    static Path tmp;

    private static byte[] sceneMask;
    private static CliRun run;
    private static Path out;
    private static int tiles;

    @BeforeAll
    static void produceAndConsume() throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = "segmentations-stitch-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // The "true" scene mask; each tile carries its window of it (padding past the edge: class 0).
        sceneMask = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                sceneMask[y * W + x] = (byte) (((x / 7) + (y / 5)) % CLASSES.size());
            }
        }
        List<Segmentation> complete = tilesOf("landsat/scene-a", Integer.MAX_VALUE);
        tiles = complete.size();
        List<Segmentation> records = new ArrayList<>(complete);
        records.addAll(tilesOf("landsat/scene-b", 3)); // the 4th and later tiles never come
        Collections.shuffle(records, new Random(7));

        AvroCodec<Segmentation> codec = AvroCodec.segmentation();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (Segmentation s : records) {
                producer.send(new ProducerRecord<>(topic, s.getTileId(), codec.encode(s)));
            }
            producer.flush();
        }
        out = tmp.resolve("out");
        run = CliRun.of("consume", "--bootstrap", bootstrap, "--topic", topic, "--out", out.toString(), "--stitch",
                "--idle", "3s", "--work-dir", tmp.resolve("work").toString());
    }

    @Test
    void completeSceneIsWrittenOnceWithTheSceneGridAndMask() throws Exception {
        Gdal.require();
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path tif = out.resolve("scenes").resolve(SafeFileNames.forId("landsat/scene-a") + ".tif");
        assertThat(run.out()).contains("scene landsat/scene-a: 150x110 from " + tiles + " tiles -> " + tif.toAbsolutePath());
        assertThat(tif.resolveSibling(tif.getFileName().toString().replace(".tif", ".png"))).isRegularFile();
        RasterImage image = new RasterDecoder().decode(Files.readAllBytes(tif));
        assertThat(image.width()).isEqualTo(W);
        assertThat(image.height()).isEqualTo(H);
        assertThat(image.pixels()).isEqualTo(sceneMask);
        assertThat(image.nodata()).as("every mask file declares the no-data value").isEqualTo(255.0);

        JsonNode info = Gdal.info(tif);
        assertThat(info.get("size").get(0).asInt()).isEqualTo(W);
        assertThat(info.get("size").get(1).asInt()).isEqualTo(H);
        assertThat(info.at("/stac/proj:epsg").asInt()).isEqualTo(32618);
        List<Double> gt = new ArrayList<>();
        info.get("geoTransform").forEach(n -> gt.add(n.asDouble()));
        assertThat(gt).containsExactlyElementsOf(SCENE_GT);
    }

    @Test
    void incompleteSceneIsWrittenAtExitWithAWarningAndNodata() throws Exception {
        Path tif = out.resolve("scenes").resolve(SafeFileNames.forId("landsat/scene-b") + ".tif");
        assertThat(run.out()).contains("warning: scene landsat/scene-b is incomplete")
                .contains("stitched 2 scenes into " + out.resolve("scenes").toAbsolutePath() + " (1 incomplete)");
        RasterImage image = new RasterDecoder().decode(Files.readAllBytes(tif));
        assertThat(image.nodata()).isEqualTo((double) MaskValues.NO_DATA);
        // The first tile (r0c0) arrived; the bottom-right corner was never covered.
        assertThat(image.sample(0, 0, 0)).isEqualTo(sceneMask[0]);
        assertThat(image.sample(0, W - 1, H - 1)).isEqualTo(MaskValues.NO_DATA);
    }

    @Test
    void perTileFilesAreStillWritten() {
        assertThat(out.resolve(SafeFileNames.forId("landsat/scene-a/r000c000") + ".tif")).isRegularFile();
        assertThat(run.outLines()).last().asString().startsWith("consumed " + (tiles + 3) + " segmentations");
    }

    /** Row-major tiles of TILE px every TILE-OVERLAP px, the last ones padded past the edge; at most n. */
    private static List<Segmentation> tilesOf(String sceneId, int n) {
        List<Segmentation> out = new ArrayList<>();
        int stride = TILE - OVERLAP;
        for (int row = 0, y = 0; y < H && out.size() < n; row++, y += stride) {
            for (int col = 0, x = 0; x < W && out.size() < n; col++, x += stride) {
                out.add(tile(sceneId, row, col, x, y));
                if (x + TILE >= W) {
                    break;
                }
            }
            if (y + TILE >= H) {
                break;
            }
        }
        return out;
    }

    private static Segmentation tile(String sceneId, int row, int col, int x0, int y0) {
        byte[] mask = new byte[TILE * TILE];
        long[] counts = new long[CLASSES.size()];
        for (int y = 0; y < TILE; y++) {
            for (int x = 0; x < TILE; x++) {
                int sx = x0 + x;
                int sy = y0 + y;
                byte v = sx < W && sy < H ? sceneMask[sy * W + sx] : 0;
                mask[y * TILE + x] = v;
                counts[v]++;
            }
        }
        GeoReference georef = GeoReference.newBuilder().setEpsg(32618).setXyz(null)
                .setGeoTransform(List.of(SCENE_GT.get(0) + x0 * SCENE_GT.get(1), SCENE_GT.get(1), 0.0,
                        SCENE_GT.get(3) + y0 * SCENE_GT.get(5), 0.0, SCENE_GT.get(5)))
                .build();
        Instant at = Instant.parse("2025-01-02T03:04:05.678Z");
        return Segmentation.newBuilder()
                .setTileId(String.format("%s/r%03dc%03d", sceneId, row, col))
                .setSceneId(sceneId)
                .setSource("it")
                .setModelName("unet")
                .setModelVersion(1)
                .setRuntime("onnxruntime")
                .setClassNames(CLASSES)
                .setWidth(TILE)
                .setHeight(TILE)
                .setMask(ByteBuffer.wrap(mask))
                .setClassPixelCounts(java.util.Arrays.stream(counts).boxed().toList())
                .setMeanConfidence(0.9f)
                .setGeoref(georef)
                .setPlacement(TilePlacement.newBuilder().setRow(row).setCol(col).setXOffset(x0).setYOffset(y0)
                        .setSceneWidth(W).setSceneHeight(H).setOverlap(OVERLAP).build())
                .setTimings(Timings.newBuilder().setIngestedAt(at).setSegmentedAt(at).setDecodeMicros(1)
                        .setInferenceMicros(1).setBatchSize(1).build())
                .build();
    }
}
