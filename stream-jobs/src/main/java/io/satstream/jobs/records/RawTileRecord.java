package io.satstream.jobs.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record exactly as it arrived on the {@code tiles} topic: original key and value bytes, kept so a
 * rejected record reaches the DLQ unchanged. A Flink POJO (public fields, no-arg constructor).
 */
public class RawTileRecord {
    /** The original key bytes (null when the record had no key). */
    public byte[] key;
    /** The original value bytes (null for a tombstone). */
    public byte[] value;
    /** The optional {@code source} header's value, as it came (checked and decoded with the record). */
    public byte[] sourceHeader;
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp, ms. */
    public long timestamp;

    public RawTileRecord() {}

    public RawTileRecord(byte[] key, byte[] value, byte[] sourceHeader, String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.sourceHeader = sourceHeader;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawTileRecord r)) {
            return false;
        }
        return partition == r.partition && offset == r.offset && timestamp == r.timestamp
                && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && Arrays.equals(sourceHeader, r.sourceHeader) && Objects.equals(topic, r.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "RawTileRecord{" + topic + "-" + partition + "@" + offset + "}";
    }
}
