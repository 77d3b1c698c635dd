package io.satstream.schemas.flink;

import io.satstream.schemas.AvroCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Flink deserialization schema for Avro single-object encoding. */
public class AvroSingleObjectDeserializationSchema<T extends SpecificRecord> implements DeserializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final AvroSingleObjectSerializationSchema.SerializableCodecFactory<T> codecFactory;
    private final Class<T> type;
    private transient AvroCodec<T> codec;

    public AvroSingleObjectDeserializationSchema(
            Class<T> type, AvroSingleObjectSerializationSchema.SerializableCodecFactory<T> codecFactory) {
        this.type = type;
        this.codecFactory = codecFactory;
    }

    @Override
    public void open(InitializationContext context) {
        codec = codecFactory.get();
    }

    @Override
    public T deserialize(byte[] message) {
        if (codec == null) {
            codec = codecFactory.get();
        }
        return codec.decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }
}
