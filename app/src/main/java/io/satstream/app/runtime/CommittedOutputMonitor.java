package io.satstream.app.runtime;

import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches what a reader of the output topics sees: a {@code read_committed} consumer on
 * {@code segmentations} and {@code tiles-dlq} from the beginning, counting records and remembering the
 * last {@code model-version}. It is how the demo knows when everything produced has been committed.
 */
public final class CommittedOutputMonitor implements AutoCloseable {

    /** Called on the monitor's thread for every committed output record. */
    public interface Listener {
        void onRecord(ConsumerRecord<byte[], byte[]> record, boolean rejected, long receivedAtMillis);
    }

    private final String bootstrap;
    private final String segmentationsTopic;
    private final String dlqTopic;
    private final Listener listener;
    private final AtomicLong segmented = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile String lastModelVersion;
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public CommittedOutputMonitor(String bootstrap, String segmentationsTopic, String dlqTopic, Listener listener) {
        this.bootstrap = bootstrap;
        this.segmentationsTopic = segmentationsTopic;
        this.dlqTopic = dlqTopic;
        this.listener = listener;
    }

    public CommittedOutputMonitor start() {
        Properties p = ReaderProperties.readCommitted(bootstrap, "satstream-monitor", "earliest");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(segmentationsTopic, dlqTopic));
        thread = new Thread(this::run, "committed-output-monitor");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    long now = System.currentTimeMillis();
                    boolean isRejected = r.topic().equals(dlqTopic);
                    if (isRejected) {
                        rejected.incrementAndGet();
                    } else {
                        segmented.incrementAndGet();
                        var h = r.headers().lastHeader(Headers.MODEL_VERSION);
                        if (h != null) {
                            lastModelVersion = new String(h.value(), StandardCharsets.UTF_8);
                        }
                    }
                    if (listener != null) {
                        listener.onRecord(r, isRejected, now);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    public long segmented() {
        return segmented.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** The {@code model-version} header of the newest committed segmentation, or null. */
    public String lastModelVersion() {
        return lastModelVersion;
    }

    /** Records currently in {@code topic} (end minus start offsets over all partitions). */
    public static long recordsIn(Admin admin, String topic) {
        try {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new java.util.HashMap<>();
            for (var info : partitions) {
                TopicPartition tp = new TopicPartition(topic, info.partition());
                latest.put(tp, OffsetSpec.latest());
                earliest.put(tp, OffsetSpec.earliest());
            }
            long end = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            long start = admin.listOffsets(earliest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            return end - start;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
