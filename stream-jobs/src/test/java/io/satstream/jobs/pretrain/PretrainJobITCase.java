package io.satstream.jobs.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.TestTiles;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.Tile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pretraining job on a MiniCluster against the real broker: from a topic with ordinary tiles, a flat one, a
 * repeated one and a record that is not a tile, exactly the ordinary tiles reach the receiver, each once, with their
 * labels and their Kafka partition and offset.
 */
class PretrainJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void onlyTilesWorthLearningFromReachTheBufferWithTheirLineage() throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String run = "pretrain-" + UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = new SatstreamTopics.Names("tiles-" + run, "segmentations-" + run,
                "model-events-" + run, "tiles-dlq-" + run, "features-" + run);
        SatstreamTopics.ensure(bootstrap, topics, 2);
        AvroCodec<Tile> codec = AvroCodec.tile();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < 10; i++) {
                Tile t = TestTiles.rgb("ok-" + i, 64, 64, 100 + i);
                byte[] labels = new byte[64 * 64];
                Arrays.fill(labels, (byte) (i % 3));
                t.setLabelMask(ByteBuffer.wrap(labels));
                send(producer, topics.tiles(), t.getTileId(), codec.encode(t));
            }
            Tile flat = TestTiles.rgb("flat", 64, 64, 1);
            byte[] grey = new byte[3 * 64 * 64];
            Arrays.fill(grey, (byte) 90);
            flat.setPixels(ByteBuffer.wrap(grey));
            send(producer, topics.tiles(), "flat", codec.encode(flat));
            Tile again = TestTiles.rgb("ok-again", 64, 64, 100); // the scene of ok-0
            send(producer, topics.tiles(), "ok-again", codec.encode(again));
            send(producer, topics.tiles(), "garbage", "not a tile".getBytes(StandardCharsets.UTF_8));
        }

        List<AdmittedTile> received = new CopyOnWriteArrayList<>();
        try (LocalHandoff.Registration ignored = LocalHandoff.register(run, received::add)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            PretrainJob.build(env, new PretrainJob.Config(bootstrap, topics.tiles(), run,
                    TileAdmission.Thresholds.defaults(), InputLimits.defaults(), 1, Duration.ofMillis(200)),
                    new LocalHandoffSink(run));
            JobClient job = env.executeAsync(run);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (received.size() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(1500); // time for anything that should not arrive
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }

        // ok-again may be admitted before ok-0 (another partition): exactly one of the pair gets in.
        assertThat(received).hasSize(10);
        assertThat(received).extracting(t -> t.tileId).doesNotHaveDuplicates()
                .doesNotContain("flat", "garbage").allMatch(id -> id.startsWith("ok-"));
        assertThat(received.stream().filter(t -> t.tileId.equals("ok-0") || t.tileId.equals("ok-again")))
                .hasSize(1);
        assertThat(received).allSatisfy(t -> {
            assertThat(t.partition).isBetween(0, 1);
            assertThat(t.offset).isNotNegative();
            assertThat(t.bands).isEqualTo(3);
            assertThat(t.pixels).hasSize(3 * 64 * 64);
            assertThat(t.labels).hasSize(64 * 64);
        });
        assertThat(received.stream().map(t -> t.partition + ":" + t.offset).distinct()).hasSize(10);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

}
