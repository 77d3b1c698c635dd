package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code satstream broker} as users run it: the packaged jar in its own JVM, stopped with SIGTERM like
 * Ctrl-C would, and started again on the same work directory.
 */
class BrokerCommandITCase {
    private static final Pattern BOOTSTRAP = Pattern.compile("kafka bootstrap: (127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path tmp;

    @Test
    void servesTheTopicsStopsCleanlyAndKeepsDataAcrossRestarts() throws Exception {
        Path workDir = tmp.resolve("work");
        String key = "tile-" + System.nanoTime();

        try (Terminal broker = broker(workDir, 0)) {
            String bootstrap = awaitBootstrap(broker);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(topics).contains("tiles", "segmentations", "model-events", "tiles-dlq");
                ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, "model-events");
                Config config = admin.describeConfigs(List.of(events)).all().get(30, TimeUnit.SECONDS).get(events);
                assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            }
            produce(bootstrap, "tiles", key, "first run");
            assertThat(readAll(bootstrap, "tiles")).containsEntry(key, "first run");

            int exit = broker.stop();
            assertThat(exit).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
            assertThat(broker.out()).contains("stopping kafka broker", "kafka broker stopped");
            assertThat(broker.err()).noneMatch(line -> line.contains("Exception") || line.contains("error"));
        }
        assertThat(workDir.resolve("kafka").resolve("meta.properties")).exists();
        assertThat(Files.readString(workDir.resolve("logs").resolve("satstream.log"))).contains("broker serving");

        try (Terminal again = broker(workDir, 0)) {
            String bootstrap = awaitBootstrap(again);
            assertThat(readAll(bootstrap, "tiles")).containsEntry(key, "first run");
            assertThat(again.stop()).isEqualTo(143);
        }
    }

    @Test
    void aPortInUseIsOneErrorLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                Terminal broker = broker(tmp.resolve("w"), taken.getLocalPort())) {
            assertThat(broker.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(broker.process.exitValue()).isEqualTo(1);
            broker.drain();
            assertThat(broker.err()).containsExactly("satstream: error: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use; choose another with --port (0 picks a free one)");
        }
    }

    /** {@code satstream broker} in a child JVM, exactly as ./satstream runs it. */
    private static Terminal broker(Path workDir, int port) throws IOException {
        return Terminal.satstream("broker", "-Xmx512m", "broker", "--port", String.valueOf(port), "--work-dir",
                workDir.toString());
    }

    private static String awaitBootstrap(Terminal broker) throws InterruptedException {
        return broker.await(BOOTSTRAP, Duration.ofSeconds(90)).group(1);
    }

    private static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of the topic, read from the beginning of each partition. */
    private static Map<String, String> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Map<String, String> found = new java.util.HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    found.put(r.key(), r.value());
                }
            }
        }
        return found;
    }
}
