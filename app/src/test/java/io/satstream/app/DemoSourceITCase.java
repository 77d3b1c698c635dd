package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Segmentation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --source dir:|stac:} end to end, each against its own broker (the demo uses the default topic
 * names): the real scenes go through the exactly-once feed into {@code tiles}, and after {@code --duration}
 * the demo has drained, so every committed tile is in {@code segmentations} (read_committed) or
 * {@code tiles-dlq} exactly once; a file refused at ingest is in {@code tiles-dlq} with stage {@code ingest}
 * and does not hold up the drain.
 */
class DemoSourceITCase {
    /** One served model for the class, copied into each work dir, so no run pays for training. */
    @TempDir
    static Path models;

    @TempDir
    Path tmp;

    @BeforeAll
    static void model() {
        TestFixtures.createServingModel(models);
    }

    @Test
    void dirSourceSegmentsEveryTileOfTheScenesOnceAndSendsTheBadFileToTheDlq() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        Path data = TestFixtures.sharedData();
        byte[] landsat = Files.readAllBytes(data.resolve("rasterio-landsat-rgb/RGB.byte.tif"));
        Files.write(in.resolve("RGB.byte.tif"), landsat);
        Files.copy(data.resolve("planet-disaster-stac/hurricane-harvey/hurricane-harvey-0831/20170831_195425_SS02/"
                + "SkySat_PortArthur_s02_20170831T195425Z.tif"), in.resolve("portarthur.tif"));
        Files.write(in.resolve("truncated.tif"), Arrays.copyOf(landsat, landsat.length / 2));
        Path work = workDir();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();

            CliRun run = demo(bootstrap, work, "--source", "dir:" + in, "--duration", "10s");

            assertThat(run.exitCode()).as("demo output:%n%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.out()).contains("refused truncated.tif: truncated TIFF");
            Map<String, Long> tilesPerScene = tileKeys(bootstrap).stream()
                    .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('/')), Collectors.counting()));
            // 791x718 in 256-px tiles with 32 px overlap: 4 x 4; the 256x256 SkySat scene: 1
            assertThat(tilesPerScene).containsExactlyInAnyOrderEntriesOf(Map.of("RGB.byte", 16L, "portarthur", 1L));
            Outputs out = outputs(bootstrap);
            assertThat(out.tileKeys()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tileKeys(bootstrap));
            Map<String, Segmentation> byScene = out.segmentations().stream()
                    .collect(Collectors.toMap(Segmentation::getSceneId, Function.identity(), (a, b) -> a));
            assertThat(byScene.keySet()).as("both scenes segmented").containsExactlyInAnyOrder("RGB.byte", "portarthur");
            assertThat(byScene.get("RGB.byte").getGeoref().getEpsg()).isEqualTo(32618);
            assertThat(byScene.get("portarthur").getGeoref().getEpsg()).isEqualTo(32615);
            assertThat(out.segmentations()).allSatisfy(s -> assertThat(s.getGeoref().getGeoTransform()).hasSize(6));
            assertThat(out.ingestRefusals()).singleElement().satisfies(r -> {
                assertThat(utf8(r.key())).isEqualTo("truncated");
                assertThat(r.value()).isEqualTo(Files.readAllBytes(in.resolve("truncated.tif")));
                assertThat(header(r, Headers.ERROR)).contains("truncated TIFF");
                assertThat(header(r, Headers.SOURCE)).isEqualTo(in.resolve("truncated.tif").toString());
            });
        }
        assertThat(work.resolve("ingest/files-ledger.jsonl")).exists();
    }

    @Test
    void stacSourceWalksThePlanetCatalogueInto45TilesEachSegmentedOrRefusedAsOutOfRangeUint16() throws Exception {
        Path collection = TestFixtures.sharedData().resolve("planet-disaster-stac/collection.json");
        Path work = workDir();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();

            CliRun run = demo(bootstrap, work, "--source", "stac:" + collection.toUri(), "--tile-size", "128",
                    "--overlap", "16", "--duration", "10s");

            assertThat(run.exitCode()).as("demo output:%n%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.out()).contains("STAC catalogue " + collection.toUri()).contains("bands red,green,blue");
            List<String> tiles = tileKeys(bootstrap);
            // 5 items of 256x256 in 128-px tiles with 16 px overlap: 3 x 3 each
            assertThat(tiles).hasSize(45).doesNotHaveDuplicates();
            Outputs out = outputs(bootstrap);
            // The PlanetScope item's red, green and blue are uint16 DN mostly in the thousands (its analytic asset):
            // its tiles with a sample above 255 are refused with that reason (outside the demo model's [0, 255]), not
            // segmented as 8-bit; every other tile is segmented, each exactly once.
            List<String> refused = out.dlq().stream().map(r -> utf8(r.key())).toList();
            assertThat(refused).isNotEmpty().allSatisfy(id -> assertThat(id).startsWith("20170831_172754_101c/"));
            assertThat(out.dlq()).allSatisfy(r -> assertThat(utf8(r.headers().lastHeader("error").value()))
                    .contains("UINT16 tile does not fit model").contains("outside the model's input range [0, 255.0]"));
            List<String> answered = new ArrayList<>(refused);
            out.segmentations().forEach(s -> answered.add(s.getTileId()));
            assertThat(answered).containsExactlyInAnyOrderElementsOf(tiles);
            assertThat(out.segmentations()).allSatisfy(s -> assertThat(s.getGeoref().getEpsg()).isIn(32615, 3857));
        }
        assertThat(work.resolve("ingest/stac-ledger.jsonl")).exists();
    }

    /** A work dir with the class's served model in its store. */
    private Path workDir() throws IOException {
        Path work = tmp.resolve("work");
        Path store = work.resolve("models");
        try (Stream<Path> files = Files.walk(models)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = store.resolve(models.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return work;
    }

    private static CliRun demo(String bootstrap, Path work, String... args) {
        List<String> all = new ArrayList<>(List.of("demo", "--bootstrap", bootstrap, "--ui-port", "0",
                "--viewer-port", "0", "--checkpoint-interval", "500ms", "--work-dir", work.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static List<String> tileKeys(String bootstrap) {
        return TopicContents.committed(bootstrap, "tiles").stream().map(r -> utf8(r.key())).toList();
    }

    /**
     * @param tileKeys keys of every committed segmentation and every dead-letter record of a tile
     * @param ingestRefusals dead-letter records of scenes refused at ingest
     */
    private record Outputs(List<Segmentation> segmentations, List<ConsumerRecord<byte[], byte[]>> dlq,
            List<String> tileKeys, List<ConsumerRecord<byte[], byte[]>> ingestRefusals) {}

    private static Outputs outputs(String bootstrap) {
        List<ConsumerRecord<byte[], byte[]>> segmentations = TopicContents.committed(bootstrap, "segmentations");
        List<ConsumerRecord<byte[], byte[]>> dlq = TopicContents.committed(bootstrap, "tiles-dlq");
        List<String> keys = new ArrayList<>(segmentations.stream().map(r -> utf8(r.key())).toList());
        List<ConsumerRecord<byte[], byte[]>> refusals = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            assertThat(header(r, Headers.STAGE)).isNotNull();
            if ("ingest".equals(header(r, Headers.STAGE))) {
                refusals.add(r);
            } else {
                keys.add(utf8(r.key()));
            }
        }
        return new Outputs(segmentations.stream().map(r -> AvroCodec.segmentation().decode(r.value())).toList(), dlq,
                keys, refusals);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : utf8(h.value());
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
