package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.EmbeddedKafka;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.models.InputSpec;
import io.satstream.models.LabeledSample;
import io.satstream.models.SegmentationNet;
import io.satstream.models.SupervisedTrainer;
import io.satstream.models.TrainedModel;
import io.satstream.models.TrainingOptions;
import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance run, in-process and shorter: {@code demo --bootstrap … --duration …} against
 * a separate broker exits 0, prints its address lines, and afterwards every key in {@code tiles} —
 * synthetic tiles, a real JPEG, a truncated JPEG and garbage produced by others — appears exactly once
 * across {@code segmentations} (read_committed, each with a {@code model-version} header) and
 * {@code tiles-dlq}.
 */
class DemoCommandITCase {

    @TempDir
    Path work;

    @Test
    void demoWithDurationDrainsAndEveryTileComesOutExactlyOnce() throws Exception {
        // A small model in the work dir's store, so the demo skips its first-start training.
        createServingModel(work.resolve("models"));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            Path jpg = sharedData().resolve("dubai-aerial-semseg/Tile 6/images/image_part_007.jpg");
            byte[] jpeg = Files.readAllBytes(jpg);
            try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
                p.send(record("real-jpeg", jpeg));
                p.send(record("cut-jpeg", Arrays.copyOf(jpeg, jpeg.length / 3)));
                p.send(record("garbage", "no image here".getBytes(StandardCharsets.UTF_8)));
                p.flush();
            }

            CliRun run = CliRun.of("demo", "--bootstrap", bootstrap, "--duration", "12s", "--rate", "8",
                    "--ui-port", "0", "--viewer-port", "0", "--checkpoint-interval", "500ms",
                    "--work-dir", work.toString());

            assertThat(run.exitCode()).as("demo output:%n%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.outLines()).contains("kafka bootstrap: " + bootstrap);
            assertThat(run.outLines()).anyMatch(l -> l.matches("flink ui: http://127\\.0\\.0\\.1:\\d+"));
            assertThat(run.outLines()).anyMatch(l -> l.matches("viewer: http://127\\.0\\.0\\.1:\\d+"));

            List<String> tileKeys = keys(readAll(bootstrap, "tiles", false));
            List<ConsumerRecord<byte[], byte[]>> segmentations = readAll(bootstrap, "segmentations", true);
            List<ConsumerRecord<byte[], byte[]>> dlq = readAll(bootstrap, "tiles-dlq", true);
            List<String> out = new ArrayList<>(keys(segmentations));
            out.addAll(keys(dlq));

            assertThat(tileKeys).hasSizeGreaterThan(50).contains("real-jpeg", "cut-jpeg", "garbage");
            assertThat(out).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tileKeys);
            assertThat(keys(dlq)).containsExactlyInAnyOrder("cut-jpeg", "garbage");
            assertThat(segmentations).allSatisfy(r ->
                    assertThat(r.headers().lastHeader(Headers.MODEL_VERSION)).isNotNull()
                            .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("unet@1")));
            assertThat(dlq).allSatisfy(r -> {
                assertThat(r.headers().lastHeader(Headers.ERROR)).isNotNull();
                assertThat(r.headers().lastHeader(Headers.STAGE)).isNotNull();
            });
        }
    }

    private static void createServingModel(Path storeDir) {
        List<String> classes = List.of("water", "vegetation", "bare_soil", "road", "building", "cloud");
        ModelStore store = ModelStore.open(storeDir);
        try (TrainedModel trained = new SupervisedTrainer().train(new SegmentationNet.Config(3, classes.size(), 8),
                InputSpec.rgbUint8(64), rnd -> {
                    byte[] pixels = new byte[3 * 32 * 32];
                    rnd.nextBytes(pixels);
                    byte[] labels = new byte[32 * 32];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = (byte) ((pixels[i] & 0xFF) % classes.size());
                    }
                    return new LabeledSample(pixels, labels, 32, 32);
                }, new TrainingOptions(4, 2, 32, 1e-2f, 3L))) {
            ModelManifest m = store.register("unet", trained.onnx(), ManifestDraft.forTrained(trained, "test", null, classes));
            store.promote("unet", m.version());
        }
    }

    private static Path sharedData() {
        for (Path p : List.of(Path.of("../../shared/data"), Path.of("../shared/data"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared/data not found beside the repository");
    }

    private static ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>("tiles", key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, boolean committed) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            // For read_committed, the end offsets are the last stable offsets: everything committed.
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
