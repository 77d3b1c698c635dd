package io.satstream.schemas;

/** Default topic names of the external contract; every component takes them as configuration. */
public final class Topics {
    public static final String TILES = "tiles";
    public static final String SEGMENTATIONS = "segmentations";
    public static final String MODEL_EVENTS = "model-events";
    public static final String TILES_DLQ = "tiles-dlq";
    /** Vectorised segmentations: GeoJSON polygons per class, keyed by tile id. */
    public static final String SEGMENTATION_FEATURES = "segmentation-features";

    private Topics() {}
}
