package io.satstream.schemas;

/** Reserved values in a segmentation mask ({@link Segmentation#getMask()}). */
public final class MaskValues {
    /**
     * Marks a pixel the tile had no data for (nodata in every band, outside the internal mask, or padding
     * past the scene's edge). Class indices stay below it, so a model has at most 255 classes.
     */
    public static final int NO_DATA = 255;

    /** The most classes a mask can carry next to {@link #NO_DATA}. */
    public static final int MAX_CLASSES = NO_DATA;

    private MaskValues() {}
}
