package io.satstream.kafka.testing;

import io.satstream.kafka.EmbeddedKafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place tests get a Kafka broker from: Testcontainers' Kafka container where a Docker engine
 * is available, the {@link EmbeddedKafka} KRaft broker everywhere else, so the suite runs (not skips)
 * without Docker. One broker per JVM, started on first use and stopped at JVM exit; tests isolate
 * themselves with their own topic names.
 */
public final class KafkaTestBroker {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestBroker.class);
    private static String bootstrap;
    private static String kind;

    private KafkaTestBroker() {}

    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            if (!"embedded".equals(System.getProperty("satstream.test.kafka")) && DockerKafka.dockerAvailable()) {
                bootstrap = DockerKafka.start();
                kind = "testcontainers";
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
                bootstrap = kafka.bootstrapServers();
                kind = "embedded";
            }
            LOG.info("test broker: {} at {}", kind, bootstrap);
        }
        return bootstrap;
    }

    /** {@code embedded} or {@code testcontainers}, once started. */
    public static synchronized String kind() {
        bootstrapServers();
        return kind;
    }

    /** Isolated from the rest so that the class loads without Testcontainers on the classpath. */
    private static final class DockerKafka {
        static boolean dockerAvailable() {
            try {
                Class.forName("org.testcontainers.DockerClientFactory");
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable t) {
                return false;
            }
        }

        static String start() {
            var container = new org.testcontainers.kafka.KafkaContainer("apache/kafka-native:4.2.0")
                    .withEnv("KAFKA_MESSAGE_MAX_BYTES", String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES))
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-container-stop"));
            return container.getBootstrapServers();
        }
    }
}
