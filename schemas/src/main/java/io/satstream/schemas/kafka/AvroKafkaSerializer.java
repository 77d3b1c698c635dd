package io.satstream.schemas.kafka;

import io.satstream.schemas.AvroCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing Avro single-object encoding. */
public class AvroKafkaSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final AvroCodec<T> codec;

    public AvroKafkaSerializer(AvroCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }
}
