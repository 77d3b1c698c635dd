package io.satstream.jobs.internal;

import java.nio.charset.StandardCharsets;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a job's own model events (REJECTED) to {@code model-events}: key = model name, value = the Avro bytes. */
public final class ModelEventRecordSerializer implements KafkaRecordSerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final String modelName;

    public ModelEventRecordSerializer(String topic, String modelName) {
        this.topic = topic;
        this.modelName = modelName;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(byte[] event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, modelName.getBytes(StandardCharsets.UTF_8), event);
    }
}
