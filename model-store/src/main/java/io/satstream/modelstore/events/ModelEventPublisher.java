package io.satstream.modelstore.events;

import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.kafka.PartitionLeaders;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes {@link ModelEvent}s (built by {@link ModelEvents}) to the compacted {@code model-events} topic: Avro
 * single-object encoding keyed by model name, so the topic keeps the latest state of each model. The CLI, the trainer
 * and the job all publish through it. The producer is idempotent, so a retry after a lost acknowledgement does not
 * write the event twice. Its failures are {@link IllegalStateException}s with one-line messages naming the broker.
 */
public final class ModelEventPublisher implements AutoCloseable {

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
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "satstream-model-events");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        // Kafka requires delivery.timeout.ms >= request.timeout.ms + linger.ms.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(2 * timeout.toMillis()));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Checks that Kafka at {@code bootstrap} answers within {@code timeout} and that {@code topic} exists, creating it
     * compacted with one partition (as the broker command does) when missing. Callers connect before they change the
     * store, so an unreachable Kafka leaves it as it was; hence "nothing was changed" in the messages.
     */
    public static ModelEventPublisher connect(String bootstrap, String topic, Duration timeout) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(topic, "topic");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be more than 0: " + timeout);
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "satstream-model-events-admin");
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
                                + describe(e), e);
                    }
                }
                // The first event is not written into the gap between creation and leadership.
                PartitionLeaders.await(admin, List.of(new TopicPartition(topic, 0)), timeout);
            }
        } catch (TimeoutException e) {
            throw notAnswering(bootstrap, timeout, e);
        } catch (ExecutionException e) {
            // The admin client's own deadline (the same length) may expire before ours does.
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw notAnswering(bootstrap, timeout, e);
            }
            throw new IllegalStateException("Kafka at " + bootstrap + " refused to list topics: " + describe(e)
                    + "; nothing was changed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka at " + bootstrap, e);
        }
        return new ModelEventPublisher(bootstrap, topic, timeout);
    }

    /** Writes {@code event}, keyed by its model name, and waits for the broker's acknowledgement. */
    public RecordMetadata publish(ModelEvent event) {
        byte[] value = AvroCodec.modelEvent().encode(event);
        Duration deadline = timeout.multipliedBy(2);
        try {
            return producer.send(new ProducerRecord<>(topic, event.getModelName(), value))
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not take the event for topic '" + topic
                    + "': " + describe(e), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not acknowledge the event for topic '"
                    + topic + "' within " + format(deadline), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to Kafka at " + bootstrap, e);
        }
    }

    @Override
    public void close() {
        producer.close(timeout);
    }

    private static IllegalStateException notAnswering(String bootstrap, Duration timeout, Exception e) {
        return new IllegalStateException("Kafka at " + bootstrap + " did not answer within " + format(timeout)
                + "; nothing was changed", e);
    }

    /** The Kafka client's own message (not the future's wrapper), on one line. */
    private static String describe(ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** As the CLI writes durations: {@code 250ms}, {@code 30s}, {@code 1.5s}. */
    private static String format(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString() + "s";
    }
}
