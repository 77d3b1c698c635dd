package io.satstream.schemas;

/** Kafka header names of the external contract (CONTRACT.md). Values are UTF-8. */
public final class Headers {
    /** On {@code segmentations}: the model that produced the record, e.g. {@code unet@3}. */
    public static final String MODEL_VERSION = "model-version";
    /**
     * On {@code segmentations}: the index of the inference subtask that produced the record. With
     * {@link #MODEL_GENERATION} it lets a reader follow each subtask's sequence of model versions across swaps.
     */
    public static final String MODEL_SUBTASK = "model-subtask";
    /**
     * On {@code segmentations}: how many times the producing subtask had switched models when it produced the record
     * (0 = the version it started with); kept in checkpoints, so it survives restarts.
     */
    public static final String MODEL_GENERATION = "model-generation";
    /** On {@code tiles-dlq}: why the record was rejected. */
    public static final String ERROR = "error";
    /** On {@code tiles-dlq}: the pipeline stage that rejected it, e.g. {@code decode}, {@code validate}. */
    public static final String STAGE = "stage";
    /**
     * On {@code segmentation-features}: why a georeferenced tile's collection has no features although its mask
     * may have regions (e.g. too fragmented to vectorise); absent when its features are all there.
     */
    public static final String FEATURES_SKIPPED = "features-skipped";
    /** Optional on {@code tiles}: where a raw image came from. */
    public static final String SOURCE = "source";

    private Headers() {}
}
