package io.satstream.schemas;

/** Kafka header names of the external contract (CONTRACT.md). Values are UTF-8. */
public final class Headers {
    /** On {@code segmentations}: the model that produced the record, e.g. {@code unet@3}. */
    public static final String MODEL_VERSION = "model-version";
    /** On {@code tiles-dlq}: why the record was rejected. */
    public static final String ERROR = "error";
    /** On {@code tiles-dlq}: the pipeline stage that rejected it, e.g. {@code decode}, {@code validate}. */
    public static final String STAGE = "stage";
    /** Optional on {@code tiles}: where a raw image came from. */
    public static final String SOURCE = "source";

    private Headers() {}
}
