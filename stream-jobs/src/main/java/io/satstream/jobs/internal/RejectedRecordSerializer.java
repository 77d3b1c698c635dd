package io.satstream.jobs.internal;

import io.satstream.jobs.records.RejectedRecord;
import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The original key and value, unchanged, with {@code error} and {@code stage} headers. */
public final class RejectedRecordSerializer implements KafkaRecordSerializationSchema<RejectedRecord> {
    private static final long serialVersionUID = 1L;
    /** Kafka headers have no hard limit, but a reason longer than this helps nobody. */
    private static final int MAX_ERROR_CHARS = 2000;
    private final String topic;

    public RejectedRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RejectedRecord element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp, element.key, element.value);
        String error = element.error == null ? "unknown error" : element.error;
        if (error.length() > MAX_ERROR_CHARS) {
            error = error.substring(0, MAX_ERROR_CHARS) + "…";
        }
        record.headers().add(Headers.ERROR, error.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Headers.STAGE, element.stage.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
