package io.satstream.jobs.internal;

import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes on the {@code model-events} records of one model, as their Avro bytes, after decoding each with the
 * bounds-checked codec. A malformed record (not a {@code ModelEvent}, lying lengths, a tombstone) is logged, counted
 * ({@code modelEventsMalformed}) and skipped: it must neither fail the job, which would restart on it forever, nor
 * reach the inference operator.
 */
public final class ModelEventDeserializationSchema implements KafkaRecordDeserializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelEventDeserializationSchema.class);

    private final String modelName;
    private transient AvroCodec<ModelEvent> codec;
    private transient Counter malformed;

    public ModelEventDeserializationSchema(String modelName) {
        this.modelName = modelName;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = AvroCodec.modelEvent();
        malformed = context.getMetricGroup().counter("modelEventsMalformed");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[]> out) {
        ModelEvent event;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("no value (a tombstone)");
            }
            event = codec.decode(record.value());
        } catch (RuntimeException e) {
            malformed.inc();
            LOG.warn("skipping malformed model event at {}-{} offset {}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (modelName.equals(event.getModelName())) {
            out.collect(record.value());
        }
    }

    @Override
    public TypeInformation<byte[]> getProducedType() {
        return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
    }
}
