package io.satstream.schemas;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Every limit on what one record from outside may make satstream allocate, in one place. Each is checked
 * before the allocation it bounds: the Avro ones while the bytes are walked, before Avro decodes them
 * ({@link AvroCodec#decode(byte[], InputLimits)}); the image ones from the image header, before pixels are
 * decoded; the batch one before a tile joins a batch. A record over a limit is refused with a reason naming
 * the limit — it never costs more memory than the limit.
 *
 * <p>Defaults ({@link #defaults()}) fit the demo's 4 GiB heap; {@link #builder()} changes them, and
 * {@link Builder#build()} reports every inconsistent value at once.
 */
public final class InputLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Largest record value: the satstream topics' {@code max.message.bytes} (64 MiB). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
    /** Largest record key, which is also the largest tile id (UTF-8 bytes). */
    public static final int DEFAULT_MAX_KEY_BYTES = 1024;
    /** Largest string inside an Avro record or a header value (UTF-8 bytes); a CRS as WKT fits with room. */
    public static final int DEFAULT_MAX_STRING_BYTES = 64 * 1024;
    /** Most items in one Avro array or map (band names, class names, attributes). */
    public static final int DEFAULT_MAX_COLLECTION_ITEMS = 4096;
    /** Most bands in a tile: enough for hyperspectral sensors (EnMAP has 224). */
    public static final int DEFAULT_MAX_BANDS = 256;
    /** Most pixels in a tile (width x height): 4096 x 4096. */
    public static final long DEFAULT_MAX_PIXELS = 16L * 1024 * 1024;
    /** Most bytes of decoded samples in a tile (all bands), e.g. from a small compressed image. */
    public static final long DEFAULT_MAX_TILE_BYTES = 128L * 1024 * 1024;
    /** Most bytes of the tensors of one inference batch: its float input and its float class scores. */
    public static final long DEFAULT_MAX_BATCH_BYTES = 1024L * 1024 * 1024;

    private static final InputLimits DEFAULTS = builder().build();

    private final int maxRecordBytes;
    private final int maxKeyBytes;
    private final int maxStringBytes;
    private final int maxCollectionItems;
    private final int maxBands;
    private final long maxPixels;
    private final long maxTileBytes;
    private final long maxBatchBytes;

    private InputLimits(Builder b) {
        this.maxRecordBytes = b.maxRecordBytes;
        this.maxKeyBytes = b.maxKeyBytes;
        this.maxStringBytes = b.maxStringBytes;
        this.maxCollectionItems = b.maxCollectionItems;
        this.maxBands = b.maxBands;
        this.maxPixels = b.maxPixels;
        this.maxTileBytes = b.maxTileBytes;
        this.maxBatchBytes = b.maxBatchBytes;
    }

    public static InputLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to change some of them. */
    public Builder toBuilder() {
        return new Builder().maxRecordBytes(maxRecordBytes).maxKeyBytes(maxKeyBytes).maxStringBytes(maxStringBytes)
                .maxCollectionItems(maxCollectionItems).maxBands(maxBands).maxPixels(maxPixels)
                .maxTileBytes(maxTileBytes).maxBatchBytes(maxBatchBytes);
    }

    public int maxRecordBytes() { return maxRecordBytes; }
    public int maxKeyBytes() { return maxKeyBytes; }
    public int maxStringBytes() { return maxStringBytes; }
    public int maxCollectionItems() { return maxCollectionItems; }
    public int maxBands() { return maxBands; }
    public long maxPixels() { return maxPixels; }
    public long maxTileBytes() { return maxTileBytes; }
    public long maxBatchBytes() { return maxBatchBytes; }

    /** A byte count as a person reads it: {@code 512 B}, {@code 36 KiB}, {@code 1.5 GiB}. */
    public static String humanBytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (u == 0 || v == Math.rint(v) ? String.valueOf((long) Math.rint(v))
                : String.format(java.util.Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    @Override
    public String toString() {
        return "InputLimits{record " + maxRecordBytes + " B, key " + maxKeyBytes + " B, string " + maxStringBytes
                + " B, collection " + maxCollectionItems + " items, bands " + maxBands + ", pixels " + maxPixels
                + ", tile " + maxTileBytes + " B, batch " + maxBatchBytes + " B}";
    }

    /** Builder; {@link #build()} reports every problem at once. */
    public static final class Builder {
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private int maxStringBytes = DEFAULT_MAX_STRING_BYTES;
        private int maxCollectionItems = DEFAULT_MAX_COLLECTION_ITEMS;
        private int maxBands = DEFAULT_MAX_BANDS;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private long maxTileBytes = DEFAULT_MAX_TILE_BYTES;
        private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;

        private Builder() {}

        public Builder maxRecordBytes(int v) { maxRecordBytes = v; return this; }
        public Builder maxKeyBytes(int v) { maxKeyBytes = v; return this; }
        public Builder maxStringBytes(int v) { maxStringBytes = v; return this; }
        public Builder maxCollectionItems(int v) { maxCollectionItems = v; return this; }
        public Builder maxBands(int v) { maxBands = v; return this; }
        public Builder maxPixels(long v) { maxPixels = v; return this; }
        public Builder maxTileBytes(long v) { maxTileBytes = v; return this; }
        public Builder maxBatchBytes(long v) { maxBatchBytes = v; return this; }

        public InputLimits build() {
            List<String> problems = new ArrayList<>();
            positive(problems, "maxRecordBytes", maxRecordBytes);
            positive(problems, "maxKeyBytes", maxKeyBytes);
            positive(problems, "maxStringBytes", maxStringBytes);
            positive(problems, "maxCollectionItems", maxCollectionItems);
            positive(problems, "maxBands", maxBands);
            positive(problems, "maxPixels", maxPixels);
            positive(problems, "maxTileBytes", maxTileBytes);
            positive(problems, "maxBatchBytes", maxBatchBytes);
            // Java arrays end at 2^31 - 1 elements; a tile's samples live in one byte array.
            if (maxTileBytes > Integer.MAX_VALUE - 16) {
                problems.add("maxTileBytes must fit one Java array (< 2 GiB), got " + maxTileBytes);
            }
            if (maxBands > maxCollectionItems) {
                problems.add("maxBands (" + maxBands + ") cannot exceed maxCollectionItems (" + maxCollectionItems
                        + "): band names are an Avro array");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid input limits: " + String.join("; ", problems));
            }
            return new InputLimits(this);
        }

        private static void positive(List<String> problems, String name, long value) {
            if (value < 1) {
                problems.add(name + " must be >= 1, got " + value);
            }
        }
    }
}
