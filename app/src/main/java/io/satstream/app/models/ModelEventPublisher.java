package io.satstream.app.models;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.satstream.app.DurationConverter;
import io.satstream.app.internal.ErrorMessages;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Announces a change of the serving version on the compacted {@code model-events} topic: an Avro {@link ModelEvent}
 * (single-object encoding) keyed by model name, so the topic keeps the latest state of each model. The producer is
 * idempotent, so a retry after a lost acknowledgement does not write the event twice.
 */
final class ModelEventPublisher implements AutoCloseable {

    private final String bootstrap;
    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;

    private ModelEventPublisher(String bootstrap, String topic, Duration timeout) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.timeout = timeout;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "satstream-models");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        // Kafka requires delivery.timeout.ms >= request.timeout.ms + linger.ms.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(2 * timeout.toMillis()));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Checks that Kafka answers and that {@code topic} exists, creating it compacted (as the broker command does)
     * when missing; done before the store changes, so an unreachable Kafka leaves the store as it was.
     */
    static ModelEventPublisher connect(String bootstrap, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "satstream-models-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            Set<String> topics = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!topics.contains(topic)) {
                // One partition keeps every model's events in one order; replication is the cluster's default.
                NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(compacted)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic '" + topic + "' at " + bootstrap + ": "
                                + ErrorMessages.describe(e), e);
                    }
                }
            }
        } catch (TimeoutException e) {
            throw notAnswering(bootstrap, timeout, e);
        } catch (ExecutionException e) {
            // The admin client's own deadline (the same length) may expire before ours does.
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw notAnswering(bootstrap, timeout, e);
            }
            throw new IllegalStateException("Kafka at " + bootstrap + " refused to list topics: "
                    + ErrorMessages.describe(e) + "; nothing was changed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + bootstrap, e);
        }
        return new ModelEventPublisher(bootstrap, topic, timeout);
    }

    private static IllegalStateException notAnswering(String bootstrap, Duration timeout, Exception e) {
        return new IllegalStateException("Kafka at " + bootstrap + " did not answer within "
                + DurationConverter.format(timeout) + "; nothing was changed", e);
    }

    /** The event saying that {@code manifest}'s version now serves, for {@code type} PROMOTED or ROLLED_BACK. */
    static ModelEvent event(ModelStore store, ModelManifest manifest, ModelEventType type, String message) {
        return ModelEvent.newBuilder()
                .setModelName(manifest.name())
                .setVersion(manifest.version())
                .setType(type)
                .setUri(store.versionDir(manifest.name(), manifest.version()).toUri().toString())
                .setSha256(manifest.files().get(ModelManifest.MODEL_FILE))
                .setObjective(manifest.objective())
                // when the change happened (not when the model was made: that is in the manifest at uri)
                .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setMessage(message)
                .build();
    }

    /** Writes {@code event} and waits for the broker's acknowledgement. */
    RecordMetadata publish(ModelEvent event) {
        byte[] value = AvroCodec.modelEvent().encode(event);
        try {
            return producer.send(new ProducerRecord<>(topic, event.getModelName(), value))
                    .get(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not take the event for topic '" + topic
                    + "': " + ErrorMessages.describe(e), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not acknowledge the event for topic '"
                    + topic + "' within " + DurationConverter.format(timeout.multipliedBy(2)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to Kafka at " + bootstrap, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }
}
