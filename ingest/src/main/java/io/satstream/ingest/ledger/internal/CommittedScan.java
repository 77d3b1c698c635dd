package io.satstream.ingest.ledger.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the committed records of a topic that carry given header values, from given offsets up to the
 * topic's end as it is when the scan is created. Before scanning it waits until no open transaction holds
 * the last stable offset below that end, because records behind an open transaction are invisible to a
 * read_committed consumer and would be miscounted as absent.
 */
public final class CommittedScan implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> committed;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> end;

    /**
     * @param readCommittedConfig consumer config with {@code isolation.level=read_committed}
     * @param uncommitted a read_uncommitted consumer, for the high watermarks
     */
    public CommittedScan(Properties readCommittedConfig, KafkaConsumer<byte[], byte[]> uncommitted,
            List<TopicPartition> partitions, Duration timeout) {
        this.partitions = List.copyOf(partitions);
        this.end = uncommitted.endOffsets(this.partitions, Duration.ofSeconds(30));
        this.committed = new KafkaConsumer<>(readCommittedConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            awaitStable(timeout);
        } catch (RuntimeException e) {
            committed.close(Duration.ofSeconds(5));
            throw e;
        }
    }

    private void awaitStable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, Long> stable = committed.endOffsets(partitions, Duration.ofSeconds(30));
            TopicPartition behind = null;
            for (TopicPartition tp : partitions) {
                if (stable.getOrDefault(tp, 0L) < end.getOrDefault(tp, 0L)) {
                    behind = tp;
                }
            }
            if (behind == null) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("cannot tell which scenes the last run committed: partition "
                        + behind + " still has an open transaction after " + timeout.toSeconds()
                        + " s (another producer?); try again later");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for open transactions", e);
            }
        }
    }

    /** Committed records from {@code from} (partition → offset; missing = 0) with both header values. */
    public long count(Map<Integer, Long> from, String header1, String value1, String header2, String value2) {
        byte[] v1 = value1.getBytes(StandardCharsets.UTF_8);
        byte[] v2 = value2.getBytes(StandardCharsets.UTF_8);
        Map<TopicPartition, Long> remaining = new HashMap<>();
        committed.assign(partitions);
        for (TopicPartition tp : partitions) {
            long start = from.getOrDefault(tp.partition(), 0L);
            long stop = end.getOrDefault(tp, 0L);
            if (start < stop) {
                committed.seek(tp, start);
                remaining.put(tp, stop);
            }
        }
        committed.assign(List.copyOf(remaining.keySet()));
        long found = 0;
        long idleDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!remaining.isEmpty()) {
            var records = committed.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                idleDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                Long stop = remaining.get(tp);
                if (stop == null || r.offset() >= stop) {
                    continue;
                }
                if (matches(r.headers().lastHeader(header1), v1) && matches(r.headers().lastHeader(header2), v2)) {
                    found++;
                }
            }
            // positions move past aborted records and transaction markers too
            for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                if (committed.position(tp) >= remaining.get(tp)) {
                    remaining.remove(tp);
                }
            }
            committed.assign(List.copyOf(remaining.keySet()));
            if (System.nanoTime() - idleDeadline >= 0) {
                throw new IllegalStateException("reading back topic partitions " + remaining.keySet()
                        + " made no progress for 60 s");
            }
        }
        return found;
    }

    private static boolean matches(Header header, byte[] value) {
        return header != null && java.util.Arrays.equals(header.value(), value);
    }

    @Override
    public void close() {
        committed.close(Duration.ofSeconds(5));
    }
}
