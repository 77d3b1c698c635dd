package io.satstream.training.buffer;

import io.satstream.inference.Evaluation;
import java.util.Objects;

/**
 * One decoded tile offered to a {@link PretrainingBuffer}: band-sequential (planar) 8-bit pixels, row-major within each
 * band, and optionally one class label per pixel ({@value Evaluation#IGNORE} = ignore this pixel). The buffer copies
 * the bytes while {@link PretrainingBuffer#offer offering}, so the caller may reuse the arrays afterwards.
 *
 * @param tileId    names the tile in sampled batches and logs
 * @param partition the Kafka partition the tile came from, or {@link #NO_PARTITION}
 * @param offset    its Kafka offset, or {@link #NO_OFFSET}
 * @param labels    {@code width * height} class labels, or {@code null} for an unlabelled tile
 */
public record BufferEntry(String tileId, int partition, long offset, int width, int height, int bands,
        byte[] planarUint8, byte[] labels) {

    /** The partition of a tile that did not come from Kafka. */
    public static final int NO_PARTITION = -1;
    /** The offset of a tile that did not come from Kafka. */
    public static final long NO_OFFSET = -1;

    public BufferEntry {
        Objects.requireNonNull(tileId, "tileId");
        Objects.requireNonNull(planarUint8, "planarUint8");
        if (tileId.isBlank()) {
            throw new IllegalArgumentException("tileId must not be blank");
        }
        if (partition < NO_PARTITION) {
            throw new IllegalArgumentException("partition must be >= 0, or " + NO_PARTITION + " for none: "
                    + partition + " (tile " + tileId + ")");
        }
        if (offset < NO_OFFSET) {
            throw new IllegalArgumentException("offset must be >= 0, or " + NO_OFFSET + " for none: " + offset
                    + " (tile " + tileId + ")");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("width and height must be positive: " + width + "x" + height
                    + " (tile " + tileId + ")");
        }
        if (bands < 1) {
            throw new IllegalArgumentException("bands must be >= 1: " + bands + " (tile " + tileId + ")");
        }
        long pixels = (long) width * height;
        if (planarUint8.length != pixels * bands) {
            throw new IllegalArgumentException("expected " + bands + " x " + width + " x " + height + " = "
                    + pixels * bands + " pixel bytes, got " + planarUint8.length + " (tile " + tileId + ")");
        }
        if (labels != null && labels.length != pixels) {
            throw new IllegalArgumentException("expected " + width + " x " + height + " = " + pixels
                    + " labels, got " + labels.length + " (tile " + tileId + ")");
        }
    }

    /** A tile that did not come from Kafka (no partition, no offset). */
    public static BufferEntry of(String tileId, int width, int height, int bands, byte[] planarUint8, byte[] labels) {
        return new BufferEntry(tileId, NO_PARTITION, NO_OFFSET, width, height, bands, planarUint8, labels);
    }

    public boolean labelled() {
        return labels != null;
    }
}
