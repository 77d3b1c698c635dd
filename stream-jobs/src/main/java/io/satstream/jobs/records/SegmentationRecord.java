package io.satstream.jobs.records;

/** One output record for the {@code segmentations} topic: key, Avro value and the model-version header. */
public class SegmentationRecord {
    public String tileId;
    /** Avro {@code Segmentation}, single-object encoded. */
    public byte[] value;
    /** {@code name@version} of the model that produced it. */
    public String modelVersion;

    public SegmentationRecord() {}

    public SegmentationRecord(String tileId, byte[] value, String modelVersion) {
        this.tileId = tileId;
        this.value = value;
        this.modelVersion = modelVersion;
    }

    @Override
    public String toString() {
        return "SegmentationRecord{" + tileId + " by " + modelVersion + "}";
    }
}
