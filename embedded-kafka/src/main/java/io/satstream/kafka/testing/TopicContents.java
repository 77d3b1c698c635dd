package io.satstream.kafka.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything a topic holds right now, for tests: every partition read from the beginning up to its
 * end offset — with {@code read_committed}, the last stable offset, so exactly what is committed —
 * without consumer groups (no rebalance waits, no guessing when "no more records" means done).
 *
 * <p>A committed read first lets just-finished transactions settle: {@code commitTransaction()} returns once
 * the coordinator has logged the commit, and the markers that move each partition's last stable offset follow
 * asynchronously. Reading the moment a writer returns could otherwise miss the records of a partition whose
 * marker is still on its way.
 */
public final class TopicContents {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How long a committed read waits for the last stable offsets to reach the high watermarks. */
    static final Duration SETTLE = Duration.ofSeconds(5);

    private TopicContents() {}

    /** Records of {@code topic} as a read_committed reader sees them. */
    public static List<ConsumerRecord<byte[], byte[]>> committed(String bootstrap, String topic) {
        return read(bootstrap, topic, true);
    }

    /** Records of {@code topic}, including those of open or aborted transactions. */
    public static List<ConsumerRecord<byte[], byte[]>> uncommitted(String bootstrap, String topic) {
        return read(bootstrap, topic, false);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, boolean committed) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = committed ? settledEnd(bootstrap, c, parts) : c.endOffsets(parts);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + TIMEOUT);
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The last stable offsets of {@code parts} once they equal the high watermarks (no transaction left open),
     * or as they are after {@link #SETTLE} when one stays open (a test that leaves one open on purpose).
     */
    private static Map<TopicPartition, Long> settledEnd(String bootstrap, KafkaConsumer<?, ?> readCommitted,
            List<TopicPartition> parts) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> u = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (true) {
                Map<TopicPartition, Long> stable = readCommitted.endOffsets(parts);
                if (stable.equals(u.endOffsets(parts)) || System.nanoTime() > deadline) {
                    return stable;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return stable;
                }
            }
        }
    }
}
