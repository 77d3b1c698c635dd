package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class IngestCommandITCase {

    @Test
    void syntheticFeedProducesExactlyCountDecodableTiles() {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = "ingest-it-" + UUID.randomUUID();

        CliRun run = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", "12", "--rate", "0",
                "--tile-size", "64", "--seed", "5", "--topic", topic);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("produced 12/12").contains("(count)");
        List<Tile> tiles = readAll(bootstrap, topic);
        assertThat(tiles).hasSize(12);
        assertThat(tiles).extracting(Tile::getTileId).doesNotHaveDuplicates();
        assertThat(tiles).allSatisfy(t -> {
            assertThat(t.getWidth()).isEqualTo(64);
            assertThat(t.getLabelMask()).isNotNull();
        });
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        CliRun run = CliRun.of("ingest", "synthetic", "--bootstrap", "127.0.0.1:9", "--count", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("--count");
        assertThat(CliRun.of("ingest", "nosuchfeed").exitCode()).isEqualTo(2);
    }

    private static List<Tile> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        List<Tile> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(AvroCodec.tile().decode(r.value())));
            }
        }
        return out;
    }
}
