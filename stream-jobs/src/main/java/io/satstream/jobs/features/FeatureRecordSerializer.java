package io.satstream.jobs.features;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.satstream.schemas.Headers;

/**
 * Key = tile id, value = GeoJSON bytes, header {@code model-version}, and {@code features-skipped} with the reason
 * when the collection's features were not computed; for a KafkaSink.
 */
public final class FeatureRecordSerializer implements KafkaRecordSerializationSchema<FeatureRecord> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public FeatureRecordSerializer(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("the features topic must not be empty");
        }
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(FeatureRecord element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                element.tileId.getBytes(StandardCharsets.UTF_8), element.geoJson);
        if (element.modelVersion != null) {
            record.headers().add(Headers.MODEL_VERSION, element.modelVersion.getBytes(StandardCharsets.UTF_8));
        }
        if (element.skipped != null) {
            record.headers().add(Headers.FEATURES_SKIPPED, element.skipped.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
