package io.satstream.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.ledger.TopicReader;
import io.satstream.ingest.tiling.TestData;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.Headers;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.Tile;

/**
 * The files feed end to end: real scenes and broken files in, tiles on a real broker out and the broken files
 * on the dead-letter topic, each exactly once, also across a crash.
 */
class DirectoryFeedITCase {
    private static final TilerSettings TILING = new TilerSettings(256, 32);
    private static String bootstrap;

    @TempDir
    Path tmp;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaTestBroker.bootstrapServers();
    }

    /** Facts from the SOURCE.md files: size, bands, type, EPSG, origin and pixel size. */
    private record Expected(String file, String sceneId, int width, int height, List<String> bands, DataType type,
            Integer epsg, double x0, double sx, double y0, double sy, Double nodata) {}

    private static final List<Expected> GOOD = List.of(
            new Expected("rasterio-landsat-rgb/RGB.byte.tif", "RGB.byte", 791, 718, List.of("red", "green", "blue"),
                    DataType.UINT8, 32618, 101985, 300.0379, 2826915, -300.0418, 0.0),
            new Expected("rasterio-landsat-rgb/cogeo.tif", "cogeo", 1024, 1024, List.of("red", "green", "blue"),
                    DataType.UINT8, 3857, 14321853.116, 0.5972, 4533021.525, -0.5972, null),
            new Expected("dubai-aerial-semseg/Tile 1/images/image_part_001.jpg", "image_part_001", 797, 644,
                    List.of("red", "green", "blue"), DataType.UINT8, null, 0, 0, 0, 0, null),
            new Expected("spacenet4-atlanta-building/sample_geotiff.tif", "sample_geotiff", 900, 900,
                    List.of("band1"), DataType.UINT16, 32616, 733601, 0.5, 3725139, -0.5, 0.0));

    @Test
    void realScenesGoOutExactlyOnceAndBadFilesAreRejectedWithoutStoppingTheFeed() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        for (Expected e : GOOD) {
            Files.copy(TestData.file(e.file()), in.resolve(Path.of(e.file()).getFileName().toString()));
        }
        byte[] rgb = Files.readAllBytes(TestData.file("rasterio-landsat-rgb/RGB.byte.tif"));
        Files.write(in.resolve("truncated.tif"), Arrays.copyOf(rgb, rgb.length / 2));
        byte[] garbage = new byte[5000];
        new Random(1).nextBytes(garbage);
        Files.write(in.resolve("garbage.png"), garbage);
        Files.write(in.resolve("huge.tif"), BadRasters.tiff(100_000, 100_000, 1, 100));
        Files.write(in.resolve("empty.tif"), BadRasters.tiff(0, 0, 1, 16));
        Files.write(in.resolve("zstd.tif"), BadRasters.tiff(64, 64, 50000, 64 * 64));
        Files.write(in.resolve("nocrs.tif"), BadRasters.geotiffWithoutCrs());
        Files.writeString(in.resolve("notes.txt"), "not an image: ignored");
        String topic = TopicReader.newTopic(bootstrap, 3);
        String dlq = TopicReader.newTopic(bootstrap, 2);
        ExactlyOnceSceneWriter.Settings writer = ExactlyOnceSceneWriter.Settings.of(bootstrap, topic,
                "satstream-ingest-files-it-" + UUID.randomUUID()).withDlqTopic(dlq);
        Path ledgerFile = tmp.resolve("work/ingest/files-ledger.jsonl");

        List<FileRejection> rejections = new CopyOnWriteArrayList<>();
        SceneIngestRunner.Progress first = runOnce(in, writer, ledgerFile, rejections);
        assertThat(first.committed()).isEqualTo(4);
        assertThat(first.rejected()).isEqualTo(6);
        Map<String, String> reasons = rejections.stream()
                .collect(Collectors.toMap(r -> r.file().getFileName().toString(), FileRejection::reason));
        assertThat(reasons).containsOnlyKeys("truncated.tif", "garbage.png", "huge.tif", "empty.tif", "zstd.tif",
                "nocrs.tif");
        assertThat(reasons.get("truncated.tif")).contains("truncated");
        assertThat(reasons.get("garbage.png")).contains("not a PNG, JPEG or TIFF");
        assertThat(reasons.get("huge.tif")).contains("100000x100000").contains("limit");
        assertThat(reasons.get("empty.tif")).contains("0x0");
        assertThat(reasons.get("zstd.tif")).contains("unsupported TIFF compression 50000");
        assertThat(reasons.get("nocrs.tif")).contains("unknown CRS");
        // each refused file once on the dead-letter topic: key = scene id, value = the file, unchanged
        List<ConsumerRecord<byte[], byte[]>> dead = TopicContents.committed(bootstrap, dlq);
        assertThat(dead).extracting(r -> utf8(r.key())).containsExactlyInAnyOrder("truncated", "garbage", "huge",
                "empty", "zstd", "nocrs");
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String file = rejections.stream().filter(x -> x.sceneId().equals(utf8(r.key()))).findFirst().orElseThrow()
                    .file().getFileName().toString();
            assertThat(r.value()).as(file).isEqualTo(Files.readAllBytes(in.resolve(file)));
            assertThat(header(r, Headers.STAGE)).isEqualTo("ingest");
            assertThat(header(r, Headers.ERROR)).isEqualTo(reasons.get(file));
            assertThat(header(r, Headers.SOURCE)).isEqualTo(in.resolve(file).toAbsolutePath().normalize().toString());
        }

        List<Tile> tiles = TopicReader.readAll(bootstrap, topic, true).stream()
                .map(r -> AvroCodec.tile().decode(r.value())).toList();
        Tiler tiler = new Tiler(TILING);
        int expectedTiles = GOOD.stream().mapToInt(e -> tiler.count(e.width()) * tiler.count(e.height())).sum();
        assertThat(expectedTiles).isEqualTo(16 + 25 + 12 + 16);
        assertThat(tiles).hasSize(expectedTiles);
        assertThat(tiles).extracting(Tile::getTileId).doesNotHaveDuplicates();
        for (Expected e : GOOD) {
            List<Tile> scene = tiles.stream().filter(t -> t.getSceneId().equals(e.sceneId())).toList();
            assertThat(scene).as(e.sceneId()).hasSize(tiler.count(e.width()) * tiler.count(e.height()));
            for (Tile t : scene) {
                var p = t.getPlacement();
                assertThat(t.getTileId()).isEqualTo(Tiler.tileId(e.sceneId(), p.getRow(), p.getCol()));
                assertThat(p.getSceneWidth()).isEqualTo(e.width());
                assertThat(p.getSceneHeight()).isEqualTo(e.height());
                assertThat(t.getBands()).isEqualTo(e.bands());
                assertThat(t.getDataType()).isEqualTo(e.type());
                assertThat(t.getNodata()).isEqualTo(e.nodata());
                assertThat(t.getSource()).startsWith("files:").endsWith(Path.of(e.file()).getFileName().toString());
                if (e.epsg() == null) {
                    assertThat(t.getGeoref()).isNull();
                    continue;
                }
                assertThat(t.getGeoref().getEpsg()).isEqualTo(e.epsg());
                List<Double> gt = t.getGeoref().getGeoTransform();
                assertThat(gt.get(0)).isCloseTo(e.x0() + p.getXOffset() * e.sx(), offset(0.05 + p.getXOffset() * 1e-4));
                assertThat(gt.get(3)).isCloseTo(e.y0() + p.getYOffset() * e.sy(), offset(0.05 + p.getYOffset() * 1e-4));
                assertThat(gt.get(1)).isCloseTo(e.sx(), offset(1e-4));
                assertThat(gt.get(5)).isCloseTo(e.sy(), offset(1e-4));
            }
        }
        // pixels: a SpaceNet tile holds the scene's uint16 samples
        RasterImage source = new io.satstream.raster.RasterDecoder().decode(
                Files.readAllBytes(TestData.file("spacenet4-atlanta-building/sample_geotiff.tif")));
        Tile t = tiles.stream().filter(x -> x.getTileId().equals("sample_geotiff/r002c001")).findFirst().orElseThrow();
        assertThat(RasterImage.fromTile(t).sample(0, 10, 20)).isEqualTo(source.sample(0, 224 + 10, 448 + 20));

        // a second run over the same directory sends nothing, and does not retry the rejected files
        rejections.clear();
        SceneIngestRunner.Progress second = runOnce(in, writer, ledgerFile, rejections);
        assertThat(second.committed()).isZero();
        assertThat(second.rejected()).isZero();
        assertThat(rejections).isEmpty();
        assertThat(TopicReader.readAll(bootstrap, topic, true)).hasSize(expectedTiles);
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).hasSize(6);
    }

    /**
     * A good scene, a truncated GeoTIFF and random bytes named .tif; the run stops (crashes) after the last
     * refusal's dead-letter record is committed but before its {@code rejected} ledger line: the ledger is cut
     * back to exactly that. The rerun finds the record, and neither topic gets anything new, not even an
     * aborted attempt.
     */
    @Test
    void aCrashBetweenTheDeadLetterCommitAndTheLedgerLineSendsNothingTwice() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        byte[] rgb = Files.readAllBytes(TestData.file("rasterio-landsat-rgb/RGB.byte.tif"));
        Files.write(in.resolve("RGB.byte.tif"), rgb);
        byte[] garbage = new byte[20_000];
        new Random(7).nextBytes(garbage);
        Files.write(in.resolve("garbage.tif"), garbage);
        Files.write(in.resolve("truncated.tif"), Arrays.copyOf(rgb, rgb.length / 2)); // last in path order
        String topic = TopicReader.newTopic(bootstrap, 2);
        String dlq = TopicReader.newTopic(bootstrap, 2);
        ExactlyOnceSceneWriter.Settings writer = ExactlyOnceSceneWriter.Settings.of(bootstrap, topic,
                "satstream-ingest-files-it-" + UUID.randomUUID()).withDlqTopic(dlq);
        Path ledgerFile = tmp.resolve("ledger.jsonl");

        List<FileRejection> rejections = new CopyOnWriteArrayList<>();
        SceneIngestRunner.Progress first = runOnce(in, writer, ledgerFile, rejections);
        assertThat(first.committed()).isEqualTo(1);
        assertThat(first.tiles()).isEqualTo(16);
        assertThat(first.rejected()).isEqualTo(2);
        Map<String, ConsumerRecord<byte[], byte[]>> dead = TopicContents.committed(bootstrap, dlq).stream()
                .collect(Collectors.toMap(r -> utf8(r.key()), r -> r));
        assertThat(dead).containsOnlyKeys("garbage", "truncated");
        assertThat(header(dead.get("garbage"), Headers.ERROR)).contains("not a PNG, JPEG or TIFF");
        assertThat(header(dead.get("truncated"), Headers.ERROR)).contains("truncated TIFF");
        assertThat(dead.values()).allSatisfy(r -> assertThat(header(r, Headers.STAGE)).isEqualTo("ingest"));
        assertThat(dead.get("garbage").value()).isEqualTo(garbage);

        List<String> lines = Files.readAllLines(ledgerFile);
        assertThat(lines.get(lines.size() - 1)).contains("\"scene\":\"truncated\"").contains("rejected");
        assertThat(lines.get(lines.size() - 2)).contains("\"scene\":\"truncated\"").contains("pending")
                .contains("\"dlq\":\"" + dlq + "\"");
        Files.write(ledgerFile, lines.subList(0, lines.size() - 1));

        rejections.clear();
        try (IngestLedger ledger = IngestLedger.open(ledgerFile);
                ExactlyOnceSceneWriter w = ExactlyOnceSceneWriter.open(writer, ledger);
                DirectoryFeed feed = new DirectoryFeed(DirectoryFeedSettings.of(in, TILING, true)
                        .withStableFor(Duration.ofMillis(200)), ledger, rejections::add)) {
            assertThat(w.recovery()).as("the cut refusal was found committed")
                    .isEqualTo(new ExactlyOnceSceneWriter.Recovery(1, 0));
            SceneIngestRunner.Progress second = new SceneIngestRunner(feed, w, Duration.ofSeconds(1), p -> { }).run();
            assertThat(second.committed()).isZero();
            assertThat(second.rejected()).isZero();
            assertThat(feed.skipped()).isEqualTo(3);
            assertThat(ledger.unsettled()).isEmpty();
        }
        assertThat(rejections).isEmpty();
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).hasSize(2);
        assertThat(TopicContents.uncommitted(bootstrap, topic)).hasSize(16);
    }

    /**
     * The dead-letter value is the file only when it fits in a record: here records hold 10,000 bytes, and a
     * file over the feed's size limit is not even read; the {@code value} header says why a value is empty.
     */
    @Test
    void filesTooLargeForARecordGoToTheDeadLetterTopicWithoutTheirBytes() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        byte[] rgb = Files.readAllBytes(TestData.file("rasterio-landsat-rgb/RGB.byte.tif"));
        Files.write(in.resolve("cut.tif"), Arrays.copyOf(rgb, 50_000));
        byte[] small = new byte[5_000];
        new Random(3).nextBytes(small);
        Files.write(in.resolve("small.tif"), small);
        Files.write(in.resolve("huge.png"), new byte[150_000]);
        String topic = TopicReader.newTopic(bootstrap, 1);
        String dlq = TopicReader.newTopic(bootstrap, 1);
        ExactlyOnceSceneWriter.Settings writer = new ExactlyOnceSceneWriter.Settings(bootstrap, topic,
                "satstream-ingest-files-it-" + UUID.randomUUID(), 64 * 1024 + 10_000, Duration.ofSeconds(30), Map.of(),
                dlq);
        try (IngestLedger ledger = IngestLedger.open(tmp.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter w = ExactlyOnceSceneWriter.open(writer, ledger);
                DirectoryFeed feed = new DirectoryFeed(DirectoryFeedSettings.of(in, TILING, true)
                        .withStableFor(Duration.ofMillis(100)).withMaxFileBytes(100_000), ledger, r -> { })) {
            assertThat(new SceneIngestRunner(feed, w, Duration.ofSeconds(1), p -> { }).run().rejected()).isEqualTo(3);
        }
        Map<String, ConsumerRecord<byte[], byte[]>> dead = TopicContents.committed(bootstrap, dlq).stream()
                .collect(Collectors.toMap(r -> utf8(r.key()), r -> r));
        assertThat(dead).containsOnlyKeys("cut", "small", "huge");
        assertThat(dead.get("small").value()).isEqualTo(small);
        assertThat(dead.get("small").headers().lastHeader(ExactlyOnceSceneWriter.VALUE_HEADER)).isNull();
        assertThat(dead.get("cut").value()).isEmpty();
        assertThat(header(dead.get("cut"), ExactlyOnceSceneWriter.VALUE_HEADER))
                .isEqualTo("omitted (50000 bytes, over the record limit of 10000 bytes)");
        assertThat(header(dead.get("cut"), Headers.SOURCE)).endsWith("/in/cut.tif");
        assertThat(dead.get("huge").value()).isEmpty();
        assertThat(header(dead.get("huge"), ExactlyOnceSceneWriter.VALUE_HEADER))
                .isEqualTo("omitted (150000 bytes, not read: over the file size limit)");
        assertThat(header(dead.get("huge"), Headers.ERROR)).isEqualTo("file is 150000 bytes, over the limit of"
                + " 100000 bytes");
        assertThat(TopicContents.uncommitted(bootstrap, topic)).isEmpty();
    }

    @Test
    void aFileDroppedInWhileTheFeedRunsIsPickedUpOnceItIsComplete() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("watched"));
        String topic = TopicReader.newTopic(bootstrap, 2);
        Path ledgerFile = tmp.resolve("ledger.jsonl");
        List<FileRejection> rejections = new CopyOnWriteArrayList<>();
        DirectoryFeedSettings settings = DirectoryFeedSettings.of(in, TILING, false)
                .withStableFor(Duration.ofMillis(1500)).withRescanEvery(Duration.ofSeconds(30));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (IngestLedger ledger = IngestLedger.open(ledgerFile);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(ExactlyOnceSceneWriter.Settings.of(
                        bootstrap, topic, "satstream-ingest-files-it-" + UUID.randomUUID()), ledger);
                DirectoryFeed feed = new DirectoryFeed(settings, ledger, rejections::add)) {
            List<SceneIngestRunner.Progress> reports = new CopyOnWriteArrayList<>();
            SceneIngestRunner runner = new SceneIngestRunner(feed, writer, Duration.ofMillis(200), reports::add);
            Future<SceneIngestRunner.Progress> run = thread.submit(runner::run);
            Thread.sleep(500);
            // copy in two steps, as a slow copy would: the half-written file must not be read
            byte[] rgb = Files.readAllBytes(TestData.file("rasterio-landsat-rgb/RGB.byte.tif"));
            Path target = in.resolve("dropped.tif");
            Files.write(target, Arrays.copyOf(rgb, rgb.length / 2));
            Thread.sleep(400);
            Files.write(target, Arrays.copyOfRange(rgb, rgb.length / 2, rgb.length),
                    java.nio.file.StandardOpenOption.APPEND);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!ledger.isIngested("dropped", fingerprint(rgb)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            runner.stop();
            SceneIngestRunner.Progress last = run.get(30, TimeUnit.SECONDS);
            assertThat(last.committed()).isEqualTo(1);
            assertThat(last.tiles()).isEqualTo(16);
        } finally {
            thread.shutdownNow();
        }
        assertThat(rejections).as("the half-written file was never read").isEmpty();
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(bootstrap, topic, true);
        assertThat(records).hasSize(16);
        assertThat(records).extracting(ConsumerRecord::key).doesNotHaveDuplicates().contains("dropped/r003c003");
    }

    private static String fingerprint(byte[] bytes) {
        return "sha256:" + io.satstream.ingest.files.internal.SceneIds.sha256(bytes);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : utf8(h.value());
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static SceneIngestRunner.Progress runOnce(Path in, ExactlyOnceSceneWriter.Settings writerSettings,
            Path ledgerFile, List<FileRejection> rejections) throws InterruptedException {
        DirectoryFeedSettings settings = DirectoryFeedSettings.of(in, TILING, true)
                .withStableFor(Duration.ofMillis(200));
        List<SceneIngestRunner.Progress> reports = new ArrayList<>();
        try (IngestLedger ledger = IngestLedger.open(ledgerFile);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(writerSettings, ledger);
                DirectoryFeed feed = new DirectoryFeed(settings, ledger, rejections::add)) {
            SceneIngestRunner.Progress last = new SceneIngestRunner(feed, writer, Duration.ofSeconds(1), reports::add)
                    .run();
            assertThat(last.finished()).isTrue();
            return last;
        }
    }
}
