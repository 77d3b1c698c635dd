package io.satstream.jobs.internal;

import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Key = tile id, value = Avro Segmentation, headers {@code model-version}, {@code model-subtask}, {@code model-generation}. */
public final class SegmentationRecordSerializer implements KafkaRecordSerializationSchema<SegmentationRecord> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public SegmentationRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SegmentationRecord element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                element.tileId.getBytes(StandardCharsets.UTF_8), element.value);
        record.headers().add(Headers.MODEL_VERSION, element.modelVersion.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Headers.MODEL_SUBTASK, Integer.toString(element.subtask).getBytes(StandardCharsets.UTF_8));
        record.headers().add(Headers.MODEL_GENERATION,
                Long.toString(element.generation).getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
