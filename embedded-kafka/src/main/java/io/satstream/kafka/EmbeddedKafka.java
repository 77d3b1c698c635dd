package io.satstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (combined broker + controller) inside this JVM.
 *
 * <p>The app's {@code broker} and {@code demo} commands and every module's tests use this one class.
 * Ports default to free ones; the log directory is formatted on first start and reused afterwards, so
 * a broker restarted on the same directory keeps its topics. {@link #close()} shuts down cleanly.
 *
 * <p>The broker runs Kafka {@code 4.2.x}, the same version as the clients the Flink connector needs:
 * a newer broker on the same classpath would lift kafka-clients and break exactly-once sinks.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Largest record the broker accepts; tiles are big (a 512² 13-band uint16 tile is 6.8 MB). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private EmbeddedKafka(Builder b) {
        try {
            this.deleteOnClose = b.logDir == null;
            this.logDir = b.logDir != null ? b.logDir : Files.createTempDirectory("satstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Kafka log directory", e);
        }
        this.brokerPort = b.port == 0 ? freePort() : b.port;
        this.controllerPort = freePort();
        this.overrides = Map.copyOf(b.overrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats the log directory if needed and starts the broker; returns when it serves requests. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        Properties props = brokerProperties();
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(props);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + logDir, e);
        }
        long t0 = System.nanoTime();
        server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        LOG.info("Kafka broker up at {} in {} ms (log dir {})",
                bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, logDir);
        return this;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // One node: internal topics cannot have the default replication factor of 3.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "2");
        p.put("auto.create.topics.enable", "true");
        p.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("socket.request.max.bytes", String.valueOf(MAX_MESSAGE_BYTES + 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.putAll(overrides);
        return p;
    }

    private void format(Properties props) throws IOException {
        Path config = Files.createTempFile("satstream-kafka-format-", ".properties");
        try {
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "satstream embedded broker");
            }
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int rc = StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting " + logDir + " failed: " + log.toString(StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("formatting " + logDir + " failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }

    /** Builder; {@link #build()} checks the settings. */
    public static final class Builder {
        private int port;
        private Path logDir;
        private final Map<String, String> overrides = new HashMap<>();

        /** Broker port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Log directory kept across restarts; default is a temporary directory deleted on close. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** Any broker property, e.g. {@code log.retention.ms}. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if (logDir != null && Files.exists(logDir) && !Files.isDirectory(logDir)) {
                throw new IllegalArgumentException("log directory is a file: " + logDir);
            }
            return new EmbeddedKafka(this);
        }
    }
}
