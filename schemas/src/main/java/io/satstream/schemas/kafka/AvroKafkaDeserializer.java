package io.satstream.schemas.kafka;

import io.satstream.schemas.AvroCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/** Kafka deserializer reading Avro single-object encoding; bad bytes raise {@code AvroDecodingException}. */
public class AvroKafkaDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final AvroCodec<T> codec;

    public AvroKafkaDeserializer(AvroCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }
}
