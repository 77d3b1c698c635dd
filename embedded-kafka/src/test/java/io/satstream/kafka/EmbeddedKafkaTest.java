package io.satstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void servesTileSizedRecordsCreatesTopicsAndKeepsDataAcrossARestart(@TempDir Path dir) throws Exception {
        byte[] big = new byte[5 * 1024 * 1024];
        new Random(1).nextBytes(big);
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir.resolve("kafka")).build().start()) {
            port = kafka.port();
            SatstreamTopics.ensure(kafka.bootstrapServers(), SatstreamTopics.Names.defaults(), 2);
            SatstreamTopics.ensure(kafka.bootstrapServers(), SatstreamTopics.Names.defaults(), 2); // idempotent
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get())
                        .contains("tiles", "segmentations", "model-events", "tiles-dlq");
                ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, "model-events");
                Config cfg = admin.describeConfigs(List.of(events)).all().get().get(events);
                assertThat(cfg.get("cleanup.policy").value()).isEqualTo("compact");
                assertThat(admin.describeTopics(List.of("tiles")).allTopicNames().get().get("tiles").partitions())
                        .hasSize(2);
            }
            try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                producer.send(new ProducerRecord<>("tiles", "big-tile", big)).get();
            }
            assertThat(readAll(kafka.bootstrapServers(), "tiles")).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(big));
        }
        // Same directory, same port: topics and records survive.
        try (EmbeddedKafka again = EmbeddedKafka.builder().logDir(dir.resolve("kafka")).port(port).build().start()) {
            assertThat(readAll(again.bootstrapServers(), "tiles")).singleElement()
                    .satisfies(r -> assertThat(r.key()).isEqualTo("big-tile"));
        }
    }

    @Test
    void temporaryLogDirIsDeletedOnClose() {
        Path logDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            logDir = kafka.logDir();
            assertThat(Files.exists(logDir.resolve("meta.properties"))).isTrue();
        }
        assertThat(Files.exists(logDir)).isFalse();
    }

    @Test
    void builderRefusesBadSettings(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> EmbeddedKafka.builder().port(70000).build()).hasMessageContaining("port");
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> EmbeddedKafka.builder().logDir(file).build()).hasMessageContaining("is a file");
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "t-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (out.isEmpty() && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
