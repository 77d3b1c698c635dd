package io.satstream.schemas.flink;

import io.satstream.schemas.AvroCodec;

import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Flink serialization schema for Avro single-object encoding. flink-avro's own schemas write raw
 * Avro without the single-object header, which our Kafka clients could not read.
 */
public class AvroSingleObjectSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final SerializableCodecFactory<T> codecFactory;
    private transient AvroCodec<T> codec;

    public AvroSingleObjectSerializationSchema(SerializableCodecFactory<T> codecFactory) {
        this.codecFactory = codecFactory;
    }

    @Override
    public void open(InitializationContext context) {
        codec = codecFactory.get();
    }

    @Override
    public byte[] serialize(T element) {
        if (codec == null) {
            codec = codecFactory.get();
        }
        return codec.encode(element);
    }

    /** A codec factory that Flink can ship to task managers. */
    public interface SerializableCodecFactory<T extends SpecificRecord> extends Supplier<AvroCodec<T>>, java.io.Serializable {}
}
