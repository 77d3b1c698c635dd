package io.satstream.jobs.internal;

import io.satstream.jobs.records.RawTileRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * How every job reads {@code tiles}: committed records only, from the group's committed offsets (the earliest on
 * a first start), offsets committed with each checkpoint, fetches sized for imagery, new partitions found within
 * 10 s.
 */
public final class TilesSource {

    private TilesSource() {
    }

    public static KafkaSourceBuilder<RawTileRecord> builder(String bootstrapServers, String topic, String groupId) {
        return KafkaSource.<RawTileRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawTileDeserializationSchema())
                .setProperty("isolation.level", "read_committed")
                .setProperty("max.partition.fetch.bytes", String.valueOf(16 * 1024 * 1024))
                .setProperty("fetch.max.bytes", String.valueOf(64 * 1024 * 1024))
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("partition.discovery.interval.ms", "10000");
    }
}
