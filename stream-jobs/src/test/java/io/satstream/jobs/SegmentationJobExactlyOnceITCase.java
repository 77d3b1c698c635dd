package io.satstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.records.RawTileRecord;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.AvroCodec;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.Headers;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link SegmentationJob} on a MiniCluster against the shared test broker, kills it with an
 * injected failure after output has already been committed, and checks with a read_committed reader
 * that every tile key appears exactly once across {@code segmentations} and {@code tiles-dlq}.
 */
class SegmentationJobExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path storeDir;

    @BeforeAll
    static void createModel() throws Exception {
        TestModelStore.createServingModel(storeDir, "unet");
    }

    @Test
    void everyTileExactlyOnceAcrossAnInjectedFailure() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = TestJobs.topics(run);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        SatstreamTopics.ensure(bootstrap, topics, 2);

        // A raw GeoTIFF with nodata 0: its black collar must come out as no data.
        byte[] landsat = Files.readAllBytes(TestTiles.sharedData().resolve("rasterio-landsat-rgb/RGB.byte.tif"));
        Map<String, String> expectedDlqStage = new LinkedHashMap<>();
        List<String> goodKeys = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < 480; i++) {
                String id = String.format("tile-%s-%04d", run, i);
                goodKeys.add(id);
                send(producer, topics.tiles(), id, AvroCodec.tile().encode(TestTiles.rgb(id, 32, 32, i)));
                if (i % 120 == 30) {
                    String bad = "garbage-" + i;
                    expectedDlqStage.put(bad, "decode");
                    send(producer, topics.tiles(), bad, ("not a tile " + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            Tile gray = TestTiles.rgb("gray-1", 16, 16, 7);
            gray.setBands(List.of("panchromatic"));
            gray.setPixels(java.nio.ByteBuffer.wrap(new byte[16 * 16]));
            expectedDlqStage.put("gray-1", "model-input");
            send(producer, topics.tiles(), "gray-1", AvroCodec.tile().encode(gray));
            byte[] jpg = Files.readAllBytes(TestTiles.sharedData().resolve("dubai-aerial-semseg/Tile 3/images/image_part_004.jpg"));
            expectedDlqStage.put("cut-jpeg", "decode");
            send(producer, topics.tiles(), "cut-jpeg", Arrays.copyOf(jpg, jpg.length / 2));
            goodKeys.add("real-jpeg");
            send(producer, topics.tiles(), "real-jpeg", jpg);
            goodKeys.add("landsat-geotiff");
            send(producer, topics.tiles(), "landsat-geotiff", landsat);
            producer.flush();
        }

        SegmentationJobConfig cfg = TestJobs.config(bootstrap, topics, "it-" + run, storeDir)
                .features(true)
                .batchMaxSize(4)
                .batchMaxWait(Duration.ofMillis(20))
                .checkpointInterval(Duration.ofMillis(300))
                .parallelism(2)
                .build();

        FailOnceAfterCommit.reset(100);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SegmentationJob.configureEnvironment(env, cfg);
        SegmentationJob.build(env, cfg, raw -> raw.map(new FailOnceAfterCommit()).name("failure-injector"));
        JobClient job = env.executeAsync("exactly-once-it");
        try {
            int expected = goodKeys.size() + expectedDlqStage.size();
            Output out = readUntil(bootstrap, topics, expected, Duration.ofSeconds(150));
            // Give a duplicate (if any) the time to surface after the last expected record.
            Thread.sleep(2_000);
            out = readUntil(bootstrap, topics, Integer.MAX_VALUE, Duration.ofSeconds(3));

            assertThat(FailOnceAfterCommit.FAILED).as("the failure was injected").isTrue();
            assertThat(FailOnceAfterCommit.OPENS.get()).as("the job restarted after the failure").isGreaterThan(2);

            List<String> all = new ArrayList<>(out.segmentationKeys);
            all.addAll(out.dlqKeys);
            assertThat(all).as("every key exactly once across segmentations and DLQ").doesNotHaveDuplicates();
            assertThat(out.segmentationKeys).containsExactlyInAnyOrderElementsOf(goodKeys);
            assertThat(out.dlqStages).containsExactlyInAnyOrderEntriesOf(expectedDlqStage);
            assertThat(out.dlqErrors.values()).allSatisfy(e -> assertThat(e).isNotBlank());
            assertThat(out.modelVersions).containsOnly("unet@1");
            Segmentation jpeg = out.segmentations.get("real-jpeg");
            assertThat(jpeg.getWidth()).isEqualTo(682);
            assertThat(jpeg.getHeight()).isEqualTo(658);
            assertThat(jpeg.getMask().remaining()).isEqualTo(682 * 658);
            assertThat(jpeg.getClassPixelCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(682L * 658);
            assertThat(jpeg.getNodata()).as("a JPEG has data everywhere").isNull();
            assertNoDataExactlyOnTheCollar(out.segmentations.get("landsat-geotiff"), landsat);

            // The vectorised branch: exactly one GeoJSON collection per georeferenced segmentation, exactly once
            // across the failure too. A mask too speckled to vectorise gets an empty collection saying why.
            List<String> georeferenced = new ArrayList<>(goodKeys);
            georeferenced.remove("real-jpeg"); // a plain JPEG has no georeference, so no features
            List<ConsumerRecord<byte[], byte[]>> features = committedFeatures(bootstrap, topics, georeferenced.size());
            List<String> featureKeys = features.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
            assertThat(featureKeys).containsExactlyInAnyOrderElementsOf(georeferenced);
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            int withFeatures = 0;
            for (ConsumerRecord<byte[], byte[]> r : features) {
                var json = mapper.readTree(r.value());
                assertThat(json.get("type").asText()).isEqualTo("FeatureCollection");
                assertThat(new String(r.headers().lastHeader(Headers.MODEL_VERSION).value(), StandardCharsets.UTF_8))
                        .isEqualTo("unet@1");
                var skipped = r.headers().lastHeader(Headers.FEATURES_SKIPPED);
                if (skipped != null) {
                    assertThat(json.get("features")).isEmpty();
                    assertThat(json.get("skipped").asText())
                            .isEqualTo(new String(skipped.value(), StandardCharsets.UTF_8));
                } else {
                    assertThat(json.has("skipped")).isFalse();
                    withFeatures += json.get("features").isEmpty() ? 0 : 1;
                }
            }
            assertThat(withFeatures).as("the model's masks have regions to vectorise").isPositive();
        } finally {
            job.cancel().get();
        }
    }

    /** 255 exactly on the pixels that are 0 in all three bands of the decoded GeoTIFF, a class elsewhere. */
    private static void assertNoDataExactlyOnTheCollar(Segmentation s, byte[] tif) {
        RasterImage image = new RasterDecoder().decode(tif);
        int n = image.pixelCount();
        assertThat(s.getWidth()).isEqualTo(image.width());
        assertThat(s.getHeight()).isEqualTo(image.height());
        byte[] mask = new byte[s.getMask().remaining()];
        s.getMask().duplicate().get(mask);
        assertThat(mask).hasSize(n);
        byte[] px = image.pixels();
        long collar = 0;
        for (int i = 0; i < n; i++) {
            boolean noData = px[i] == 0 && px[n + i] == 0 && px[2 * n + i] == 0;
            int value = mask[i] & 0xFF;
            if (noData ? value != MaskValues.NO_DATA : value >= TestModelStore.CLASSES.size()) {
                throw new AssertionError("pixel (" + i % image.width() + ", " + i / image.width() + "): bands "
                        + (px[i] & 0xFF) + "/" + (px[n + i] & 0xFF) + "/" + (px[2 * n + i] & 0xFF) + ", mask " + value);
            }
            collar += noData ? 1 : 0;
        }
        assertThat(collar).as("the scene has a collar").isPositive();
        assertThat(s.getNodata()).isEqualTo(MaskValues.NO_DATA);
        assertThat(s.getClassPixelCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(n - collar);
    }

    /** Passes records through; throws once, after a checkpoint completed and {@code n} records passed. */
    static final class FailOnceAfterCommit extends RichMapFunction<RawTileRecord, RawTileRecord>
            implements CheckpointListener {
        static volatile boolean FAILED;
        static final AtomicInteger OPENS = new AtomicInteger();
        static final AtomicInteger SEEN = new AtomicInteger();
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static volatile int failAt;

        static void reset(int n) {
            FAILED = false;
            OPENS.set(0);
            SEEN.set(0);
            CHECKPOINTED.set(false);
            failAt = n;
        }

        @Override
        public void open(OpenContext ctx) {
            OPENS.incrementAndGet();
        }

        @Override
        public RawTileRecord map(RawTileRecord value) throws Exception {
            if (SEEN.incrementAndGet() >= failAt && CHECKPOINTED.get() && !FAILED) {
                FAILED = true;
                throw new IllegalStateException("injected failure after " + SEEN.get() + " records");
            }
            if (!FAILED) {
                // Until the failure, go slowly so that checkpoints complete while tiles still flow.
                Thread.sleep(20);
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    private static final class Output {
        final List<String> segmentationKeys = new ArrayList<>();
        final List<String> dlqKeys = new ArrayList<>();
        final Map<String, String> dlqStages = new HashMap<>();
        final Map<String, String> dlqErrors = new HashMap<>();
        final List<String> modelVersions = new ArrayList<>();
        final Map<String, Segmentation> segmentations = new HashMap<>();

        int size() {
            return segmentationKeys.size() + dlqKeys.size();
        }
    }

    /** The committed features records once {@code expected} are there (or after 30 s), then 1 s more for duplicates. */
    private static List<ConsumerRecord<byte[], byte[]>> committedFeatures(String bootstrap, SatstreamTopics.Names topics,
            int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.committed(bootstrap, topics.segmentationFeatures());
        while (records.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(300);
            records = TopicContents.committed(bootstrap, topics.segmentationFeatures());
        }
        Thread.sleep(1_000);
        return TopicContents.committed(bootstrap, topics.segmentationFeatures());
    }

    private static Output readUntil(String bootstrap, SatstreamTopics.Names topics, int expected, Duration timeout) {
        Output out = new Output();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topics.segmentations(), topics.tilesDlq()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (r.topic().equals(topics.segmentations())) {
                        out.segmentationKeys.add(key);
                        out.modelVersions.add(header(r, Headers.MODEL_VERSION));
                        out.segmentations.put(key, AvroCodec.segmentation().decode(r.value()));
                    } else {
                        out.dlqKeys.add(key);
                        out.dlqStages.put(key, header(r, Headers.STAGE));
                        out.dlqErrors.put(key, header(r, Headers.ERROR));
                    }
                }
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }
}
