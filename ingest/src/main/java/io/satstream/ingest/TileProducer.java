package io.satstream.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Tile;

/**
 * Writes tiles to the {@code tiles} topic: key = tile id (UTF-8), value = the Avro single-object encoding
 * of the {@link Tile} (or, with {@link #sendRaw}, an image file's bytes). Durable settings (acks=all,
 * idempotence) and limits sized for imagery (64 MiB requests). Counts what was sent, acknowledged and
 * failed. Thread-safe, like the KafkaProducer inside.
 */
public final class TileProducer implements AutoCloseable {
    /** Largest request the producer sends; the satstream topics and brokers accept as much. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroCodec<Tile> codec = AvroCodec.tile();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicReference<Exception> lastError = new AtomicReference<>();

    public TileProducer(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /** @param overrides extra or replacing producer configs (e.g. security settings) */
    public TileProducer(String bootstrapServers, String topic, Map<String, Object> overrides) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = new KafkaProducer<>(config(bootstrapServers, overrides), new StringSerializer(),
                new ByteArraySerializer());
    }

    static Properties config(String bootstrapServers, Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_REQUEST_BYTES));
        // room for a few maximum-size requests in flight; the pool only grows as records need it
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(4L * MAX_REQUEST_BYTES));
        // a 256x256 RGB tile is ~260 KB: batch a few of them, and wait briefly for company
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1024 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "satstream-ingest");
        p.putAll(overrides);
        return p;
    }

    public String topic() {
        return topic;
    }

    /** Sends one tile; the future completes when the broker has it (or with the failure). */
    public Future<RecordMetadata> send(Tile tile) {
        Objects.requireNonNull(tile, "tile");
        byte[] value = codec.encode(tile);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, tile.getTileId(), value);
        record.headers().add(Headers.SOURCE, tile.getSource().getBytes(StandardCharsets.UTF_8));
        return send(record);
    }

    /** Sends bytes as they are (e.g. a PNG, JPEG or GeoTIFF file) with the given UTF-8 headers. */
    public Future<RecordMetadata> sendRaw(String key, byte[] value, Map<String, String> headers) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        for (Map.Entry<String, String> h : (headers == null ? Map.<String, String>of() : headers).entrySet()) {
            record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return send(record);
    }

    private Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        sent.incrementAndGet();
        bytesSent.addAndGet(record.value().length);
        Callback callback = (metadata, exception) -> {
            if (exception == null) {
                acked.incrementAndGet();
            } else {
                failed.incrementAndGet();
                lastError.set(exception);
            }
        };
        try {
            return producer.send(record, callback);
        } catch (RuntimeException e) {
            // failures before the record was queued (closed producer, buffer full past max.block.ms)
            failed.incrementAndGet();
            lastError.set(e);
            throw e;
        }
    }

    /** Blocks until everything sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    public long sent() {
        return sent.get();
    }

    public long acked() {
        return acked.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Value bytes handed to the producer (before compression). */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Sent but not yet acknowledged nor failed. */
    public long pending() {
        return sent.get() - acked.get() - failed.get();
    }

    /** The most recent failure, or null. */
    public Exception lastError() {
        return lastError.get();
    }

    /** Flushes, then closes, waiting at most 30 s for outstanding requests. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
