package io.satstream.jobs.records;

/** One record for {@code tiles-dlq}: the original key and value bytes, unchanged, plus why and where. */
public class RejectedRecord {
    public byte[] key;
    public byte[] value;
    public String error;
    public String stage;

    public RejectedRecord() {}

    public RejectedRecord(byte[] key, byte[] value, String error, String stage) {
        this.key = key;
        this.value = value;
        this.error = error;
        this.stage = stage;
    }

    @Override
    public String toString() {
        return "RejectedRecord{" + stage + ": " + error + "}";
    }
}
