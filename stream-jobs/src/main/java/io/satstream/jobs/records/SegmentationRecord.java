package io.satstream.jobs.records;

/** One output record for the {@code segmentations} topic: key, Avro value and the model-version header. */
public class SegmentationRecord {
    public String tileId;
    /** Avro {@code Segmentation}, single-object encoded. */
    public byte[] value;
    /** {@code name@version} of the model that produced it. */
    public String modelVersion;
    /** Index of the inference subtask that produced it. */
    public int subtask;
    /** Model switches that subtask had made when it produced it (0: the version it started with). */
    public long generation;

    public SegmentationRecord() {}

    public SegmentationRecord(String tileId, byte[] value, String modelVersion) {
        this(tileId, value, modelVersion, 0, 0);
    }

    public SegmentationRecord(String tileId, byte[] value, String modelVersion, int subtask, long generation) {
        this.tileId = tileId;
        this.value = value;
        this.modelVersion = modelVersion;
        this.subtask = subtask;
        this.generation = generation;
    }

    @Override
    public String toString() {
        return "SegmentationRecord{" + tileId + " by " + modelVersion + " on subtask " + subtask + " generation "
                + generation + "}";
    }
}
