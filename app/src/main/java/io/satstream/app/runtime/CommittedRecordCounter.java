package io.satstream.app.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records of a topic as a {@code read_committed} reader sees them, from the beginning, on its own
 * thread. Unlike a difference of offsets it leaves out transaction markers and the records of aborted
 * transactions, which the exactly-once feeds leave in {@code tiles}; it is how the demo knows how many tiles
 * its output must account for.
 */
public final class CommittedRecordCounter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedRecordCounter.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Thread thread;
    private volatile long count;
    /** {@link System#nanoTime()} taken just before end offsets that the reader had reached were read. */
    private volatile long caughtUpAt;
    private volatile boolean caughtUpOnce;
    private volatile RuntimeException failure;

    private CommittedRecordCounter(String bootstrap, String topic) {
        Properties p = ReaderProperties.readCommitted(bootstrap, "satstream-demo-count", "earliest");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.thread = new Thread(this::run, "committed-count-" + topic);
        this.thread.setDaemon(true);
    }

    public static CommittedRecordCounter start(String bootstrap, String topic) {
        CommittedRecordCounter counter = new CommittedRecordCounter(bootstrap, topic);
        counter.thread.start();
        return counter;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                count += consumer.poll(POLL).count();
                long asOf = System.nanoTime();
                // for a read_committed consumer these are the last stable offsets
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                if (partitions.stream().allMatch(tp -> consumer.position(tp) >= end.getOrDefault(tp, 0L))) {
                    caughtUpAt = asOf;
                    caughtUpOnce = true;
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.warn("counting the committed records of {} failed", topic, e);
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Committed records read so far. */
    public long count() {
        return count;
    }

    /**
     * True when, at some moment after {@code nanoTime}, every committed record of the topic had been counted:
     * then {@link #count()} is at least the number of records committed before {@code nanoTime}.
     *
     * @throws IllegalStateException when the reader failed
     */
    public boolean caughtUpSince(long nanoTime) {
        if (failure != null) {
            throw new IllegalStateException("cannot count the records of " + topic + ": " + failure.getMessage(),
                    failure);
        }
        return caughtUpOnce && caughtUpAt - nanoTime > 0;
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
