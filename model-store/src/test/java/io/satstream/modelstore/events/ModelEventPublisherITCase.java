package io.satstream.modelstore.events;

import static io.satstream.modelstore.events.EventFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a real broker: the topic it creates, and the events read back committed. */
class ModelEventPublisherITCase {

    private static String bootstrap;

    @TempDir
    Path root;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaTestBroker.bootstrapServers();
    }

    @Test
    void eventsRoundTripKeyedByModelNameOnACompactedTopicItCreates() throws Exception {
        String topic = "model-events-" + UUID.randomUUID();
        ModelStore store = ModelStore.open(root);
        ModelEvent candidate = ModelEvents.of(store, EventFixtures.manifest(), ModelEventType.CANDIDATE, "imported",
                "satstream-cli", Clock.systemUTC());
        ModelEvent promoted = ModelEvents.of(store, EventFixtures.manifest(), ModelEventType.PROMOTED, "promoted",
                "satstream-cli", Clock.systemUTC());

        RecordMetadata written;
        try (ModelEventPublisher publisher = ModelEventPublisher.connect(bootstrap, topic, Duration.ofSeconds(30))) {
            publisher.publish(candidate);
            written = publisher.publish(promoted);
        }

        assertThat(written.topic()).isEqualTo(topic);
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.committed(bootstrap, topic);
        assertThat(records).hasSize(2);
        assertThat(records).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(MODEL));
        assertThat(records.stream().map(r -> AvroCodec.modelEvent().decode(r.value())))
                .containsExactly(candidate, promoted);
        try (Admin admin = admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(1);
        }
    }

    @Test
    void kafkaThatDoesNotAnswerIsOneLineNamingItAndTheWait() {
        assertThatThrownBy(() -> ModelEventPublisher.connect("127.0.0.1:1", "model-events", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Kafka at 127.0.0.1:1 did not answer within 1s; nothing was changed");
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}
