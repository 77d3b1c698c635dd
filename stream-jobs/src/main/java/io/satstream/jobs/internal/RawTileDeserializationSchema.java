package io.satstream.jobs.internal;

import io.satstream.jobs.records.RawTileRecord;
import io.satstream.schemas.Headers;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Keeps each {@code tiles} record as it is, header bytes included; decoding and every check happen in an
 * operator that can reject to the DLQ. Nothing here may throw: an exception in a source deserializer fails
 * the job, which would then restart on the same record forever.
 */
public final class RawTileDeserializationSchema implements KafkaRecordDeserializationSchema<RawTileRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawTileRecord> out) {
        Header source = record.headers().lastHeader(Headers.SOURCE);
        out.collect(new RawTileRecord(record.key(), record.value(), source == null ? null : source.value(),
                record.topic(), record.partition(), record.offset(), record.timestamp()));
    }

    @Override
    public TypeInformation<RawTileRecord> getProducedType() {
        return TypeInformation.of(RawTileRecord.class);
    }
}
