package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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

        try (BrokerProcess broker = BrokerProcess.start(workDir)) {
            String bootstrap = broker.awaitBootstrap();
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

        try (BrokerProcess again = BrokerProcess.start(workDir)) {
            String bootstrap = again.awaitBootstrap();
            assertThat(readAll(bootstrap, "tiles")).containsEntry(key, "first run");
            assertThat(again.stop()).isEqualTo(143);
        }
    }

    @Test
    void aPortInUseIsOneErrorLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                BrokerProcess broker = BrokerProcess.start(tmp.resolve("w"), taken.getLocalPort())) {
            assertThat(broker.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(broker.process.exitValue()).isEqualTo(1);
            broker.drain();
            assertThat(broker.err()).containsExactly("satstream: error: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use; choose another with --port (0 picks a free one)");
        }
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

    /** The app's jar and its libraries in a child JVM, exactly as ./satstream runs them. */
    private static final class BrokerProcess implements AutoCloseable {
        final Process process;
        private final List<String> out = new CopyOnWriteArrayList<>();
        private final List<String> err = new CopyOnWriteArrayList<>();
        private final Thread outReader;
        private final Thread errReader;

        private BrokerProcess(Process process) {
            this.process = process;
            this.outReader = pump(process.getInputStream(), out);
            this.errReader = pump(process.getErrorStream(), err);
        }

        static BrokerProcess start(Path workDir) throws IOException {
            return start(workDir, 0);
        }

        static BrokerProcess start(Path workDir, int port) throws IOException {
            Path target = Path.of("target").toAbsolutePath();
            Path jar = target.resolve("satstream.jar");
            assertThat(jar).as("the packaged application (mvn package)").exists();
            Path tmpDir = Files.createDirectories(target.resolve("tmp"));
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Djava.io.tmpdir=" + tmpDir,
                    "-cp", jar + java.io.File.pathSeparator + target.resolve("lib") + "/*",
                    "io.satstream.app.Satstream", "broker", "--port", String.valueOf(port), "--work-dir", workDir.toString()));
            return new BrokerProcess(new ProcessBuilder(cmd).start());
        }

        String awaitBootstrap() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                for (String line : out) {
                    Matcher m = BOOTSTRAP.matcher(line);
                    if (m.matches()) {
                        return m.group(1);
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError("broker exited with " + process.exitValue() + ": " + out + " " + err);
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no 'kafka bootstrap:' line within 90 s: " + out + " " + err);
        }

        /** SIGTERM, as Ctrl-C or a service manager would; returns the exit code. */
        int stop() throws InterruptedException {
            // Process.destroy() would also close our end of the pipes and lose the shutdown lines.
            process.toHandle().destroy();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("broker stops within 90 s").isTrue();
            drain();
            return process.exitValue();
        }

        void drain() throws InterruptedException {
            outReader.join(10_000);
            errReader.join(10_000);
        }

        List<String> out() {
            return out;
        }

        List<String> err() {
            return err;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }

        private static Thread pump(java.io.InputStream in, List<String> lines) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process is gone; what was read is what the test checks
                }
            }, "broker-output");
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
