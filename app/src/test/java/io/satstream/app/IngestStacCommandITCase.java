package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.app.internal.UsageErrorHandler;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.raster.ValidPixels;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * The acceptance "the Planet STAC catalogue ingests end to end": {@code ingest stac --catalog
 * collection.json --once --bands red,green,blue} puts all 5 items' tiles on a topic, a rerun adds none,
 * and the SegmentationJob on a MiniCluster turns every one of them into a segmentation carrying the
 * tile's georeference and placement.
 */
class IngestStacCommandITCase {
    private static final List<String> PLANET = List.of("20170831_172754_101c", "2017831_195552_SS02",
            "20170831_195425_SS02", "20170831_162740_ssc1d1", "Houston-East-20170831-103f-100d-0f4f-RGB");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path work;

    @Test
    void planetCatalogueBecomesTilesThenSegmentationsExceptItsUint16ItemWhichIsRefused() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = new SatstreamTopics.Names("tiles-" + run, "segmentations-" + run,
                "model-events-" + run, "tiles-dlq-" + run);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        SatstreamTopics.ensure(bootstrap, topics, 2);
        String catalog = TestFixtures.sharedData().resolve("planet-disaster-stac/collection.json").toString();
        String[] args = {"--bootstrap", bootstrap, "--catalog", catalog, "--once", "--bands", "red,green,blue",
            "--tile-size", "128", "--overlap", "16", "--topic", topics.tiles(), "--dlq-topic", topics.tilesDlq(),
            "--work-dir", work.toString()};

        Result first = stac(args);
        Result second = stac(args);

        assertThat(first.code).as(first.out + first.err).isZero();
        assertThat(first.out).contains("items 5 | ingested 5 | skipped 0 | rejected 0 | tiles 45").contains("(exhausted)");
        assertThat(second.code).as(second.err).isZero();
        assertThat(second.out).contains("items 5 | ingested 0 | skipped 5 | rejected 0 | tiles 0");

        Map<String, Tile> tiles = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, topics.tiles(), 45, Duration.ofSeconds(30))) {
            Tile t = AvroCodec.tile().decode(r.value());
            assertThat(tiles.put(t.getTileId(), t)).as("tile id once").isNull();
        }
        assertThat(tiles).hasSize(45);
        assertThat(tiles.values()).extracting(Tile::getSceneId).containsOnlyElementsOf(PLANET);
        assertThat(tiles.values()).allSatisfy(t -> assertThat(t.getBands()).containsExactly("red", "green", "blue"));

        Path store = work.resolve("models");
        TestFixtures.createServingModel(store);
        SegmentationJobConfig cfg = SegmentationJobConfig.builder()
                .bootstrapServers(bootstrap)
                .tilesTopic(topics.tiles())
                .segmentationsTopic(topics.segmentations())
                .dlqTopic(topics.tilesDlq())
                .modelEventsTopic(topics.modelEvents())
                .groupId("stac-it-" + run)
                .transactionalIdPrefix("stac-it-" + run)
                .modelStoreDir(store.toString())
                .modelName("unet")
                .runtime("onnxruntime")
                .intraOpThreads(1)
                .batchMaxSize(4)
                .batchMaxWait(Duration.ofMillis(20))
                .checkpointInterval(Duration.ofMillis(300))
                .parallelism(1)
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SegmentationJob.configureEnvironment(env, cfg);
        SegmentationJob.build(env, cfg);
        JobClient job = env.executeAsync("stac-e2e-it");
        // The PlanetScope item's red, green and blue come from its 4-band uint16 analytic asset (DN mostly in the
        // thousands): a tile with a sample above 255 where it has data does not fit the demo model's [0, 255] input
        // range and is refused with that reason rather than segmented as if it were 8-bit. The rest is segmented.
        Set<String> outOfRange = new HashSet<>();
        tiles.values().stream().filter(IngestStacCommandITCase::hasDataAbove255).forEach(t -> outOfRange.add(t.getTileId()));
        assertThat(outOfRange).isNotEmpty().allSatisfy(id -> assertThat(id).startsWith("20170831_172754_101c/"));
        Map<String, Segmentation> segmentations = new HashMap<>();
        Map<String, String> refused = new HashMap<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : readCommitted(bootstrap, List.of(topics.segmentations(),
                    topics.tilesDlq()), 45, Duration.ofSeconds(120))) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.topic().equals(topics.tilesDlq())) {
                    refused.put(key, new String(r.headers().lastHeader(Headers.STAGE).value(), StandardCharsets.UTF_8)
                            + ": " + new String(r.headers().lastHeader(Headers.ERROR).value(), StandardCharsets.UTF_8));
                    continue;
                }
                Segmentation s = AvroCodec.segmentation().decode(r.value());
                assertThat(segmentations.put(s.getTileId(), s)).as("segmentation once").isNull();
            }
            assertThat(segmentations).as("segmentations; job status %s", job.getJobStatus().get())
                    .hasSize(45 - outOfRange.size());
        } finally {
            job.cancel().get();
        }
        assertThat(refused.keySet()).containsExactlyInAnyOrderElementsOf(outOfRange);
        assertThat(refused.values()).allSatisfy(reason -> assertThat(reason)
                .startsWith("model-input: UINT16 tile does not fit model unet@1: sample ")
                .endsWith("is outside the model's input range [0, 255.0]"));
        Set<String> segmentable = new HashSet<>(tiles.keySet());
        segmentable.removeAll(outOfRange);
        assertThat(segmentations.keySet()).containsExactlyInAnyOrderElementsOf(segmentable);
        for (Segmentation s : segmentations.values()) {
            Tile t = tiles.get(s.getTileId());
            assertThat(s.getSceneId()).isEqualTo(t.getSceneId());
            assertThat(s.getGeoref()).isEqualTo(t.getGeoref());
            assertThat(s.getGeoref().getEpsg()).isIn(32615, 3857);
            assertThat(s.getPlacement()).isEqualTo(t.getPlacement());
            assertThat(s.getWidth()).isEqualTo(128);
            assertThat(s.getMask().remaining()).isEqualTo(128 * 128);
        }
    }

    /** Whether a uint16 tile has a sample above 255 in a pixel with data (the job's own rule, counted here apart). */
    private static boolean hasDataAbove255(Tile t) {
        if (t.getDataType() != DataType.UINT16) {
            return false;
        }
        byte[] valid = ValidPixels.of(t);
        int n = t.getWidth() * t.getHeight();
        java.nio.ByteBuffer le = t.getPixels().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < n * t.getBands().size(); s++) {
            if ((valid == null || valid[s % n] != 0) && (le.getShort(le.position() + 2 * s) & 0xFFFF) > 255) {
                return true;
            }
        }
        return false;
    }

    @Test
    void wrongArgumentsAreOneLineAndExitTwo() {
        Result both = stac("--bootstrap", "127.0.0.1:9", "--catalog", "x.json", "--api", "http://h/");
        assertThat(both.code).isEqualTo(2);
        assertThat(both.err.lines().toList()).singleElement().asString().contains("exactly one of --catalog and --api");
        Result overlap = stac("--bootstrap", "127.0.0.1:9", "--api", "http://h/", "--tile-size", "64", "--overlap", "40");
        assertThat(overlap.code).isEqualTo(2);
        assertThat(overlap.err.lines().toList()).singleElement().asString().contains("overlap");
        Result missing = stac("--bootstrap", "127.0.0.1:9", "--catalog", work.resolve("nope.json").toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("no such file");

        Result tooMany = xyz("--bootstrap", "127.0.0.1:9", "--url", "http://h/{z}/{x}/{y}.png", "--bbox",
                "-10,-10,10,10", "--zoom", "12", "--max-tiles", "100");
        assertThat(tooMany.code).isEqualTo(2);
        assertThat(tooMany.err.lines().toList()).singleElement().asString().contains("more than --max-tiles 100");
        Result badUrl = xyz("--bootstrap", "127.0.0.1:9", "--url", "http://h/tiles", "--bbox", "0,0,1,1", "--zoom", "3");
        assertThat(badUrl.code).isEqualTo(2);
        assertThat(badUrl.err).contains("{z}");
    }

    private record Result(int code, String out, String err) {}

    private static Result stac(String... args) {
        return execute(new CommandLine(new IngestStacCommand()), args);
    }

    private static Result xyz(String... args) {
        return execute(new CommandLine(new IngestXyzCommand()), args);
    }

    private static Result execute(CommandLine cmd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler(new UsageErrorHandler());
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected,
            Duration timeout) {
        return read(bootstrap, List.of(topic), expected, timeout, "read_uncommitted");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, List<String> topics,
            int expected, Duration timeout) {
        return read(bootstrap, topics, expected, timeout, "read_committed");
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, List<String> topics, int expected,
            Duration timeout, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = topics.stream().flatMap(t -> c.partitionsFor(t).stream()
                    .map(i -> new TopicPartition(t, i.partition()))).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a duplicate, if any, would follow soon after the last expected record
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
