package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        TestFixtures.createServingModel(work.resolve("models"));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            Path jpg = TestFixtures.sharedData().resolve("dubai-aerial-semseg/Tile 6/images/image_part_007.jpg");
            byte[] jpeg = Files.readAllBytes(jpg);
            try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
                p.send(record("real-jpeg", jpeg));
                p.send(record("cut-jpeg", Arrays.copyOf(jpeg, jpeg.length / 3)));
                p.send(record("garbage", "no image here".getBytes(StandardCharsets.UTF_8)));
                p.flush();
            }

            CliRun run = CliRun.of("demo", "--bootstrap", bootstrap, "--duration", "12s", "--rate", "8",
                    "--ui-port", "0", "--metrics-port", "0", "--viewer-port", "0", "--checkpoint-interval", "500ms",
                    "--work-dir", work.toString());

            assertThat(run.exitCode()).as("demo output:%n%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.outLines()).contains("kafka bootstrap: " + bootstrap);
            assertThat(run.outLines()).anyMatch(l -> l.matches("flink ui: http://127\\.0\\.0\\.1:\\d+"));
            assertThat(run.outLines()).anyMatch(l -> l.matches("viewer: http://127\\.0\\.0\\.1:\\d+"));
            assertThat(run.outLines()).anyMatch(l -> l.matches("metrics: http://127\\.0\\.0\\.1:\\d+/metrics"));

            List<String> tileKeys = keys(TopicContents.uncommitted(bootstrap, "tiles"));
            List<ConsumerRecord<byte[], byte[]>> segmentations = TopicContents.committed(bootstrap, "segmentations");
            List<ConsumerRecord<byte[], byte[]>> dlq = TopicContents.committed(bootstrap, "tiles-dlq");
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

}
