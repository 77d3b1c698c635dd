package io.satstream.training.buffer;

import ai.djl.ndarray.NDArray;
import java.time.Instant;
import java.util.List;

/**
 * A training batch drawn from a {@link PretrainingBuffer}: device arrays attached to the manager the caller passed to
 * {@code sample} (closing that manager frees them too), and the sampled tiles' metadata as Java values.
 *
 * <ul>
 *   <li>{@link #pixels()}: FLOAT32 {@code (N, bands, size, size)}, the uint8 values divided by 255 on the device.</li>
 *   <li>{@link #labels()}: INT64 {@code (N, 1, size, size)} class labels, 255 for "ignore" (every pixel of an
 *       unlabelled sample); {@code null} when no sample of the batch has labels.</li>
 *   <li>{@link #tiles()}: one {@link StoredTile} per sample, in batch order; {@link StoredTile#labelled()} is the
 *       per-sample label flag.</li>
 * </ul>
 */
public final class SampledBatch implements AutoCloseable {

    private final NDArray pixels;
    private final NDArray labels;
    private final List<StoredTile> tiles;
    private final Instant sampledAt;

    SampledBatch(NDArray pixels, NDArray labels, List<StoredTile> tiles, Instant sampledAt) {
        this.pixels = pixels;
        this.labels = labels;
        this.tiles = List.copyOf(tiles);
        this.sampledAt = sampledAt;
    }

    public NDArray pixels() {
        return pixels;
    }

    /** The labels, or {@code null} when none of the sampled tiles has labels. */
    public NDArray labels() {
        return labels;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public List<StoredTile> tiles() {
        return tiles;
    }

    /** Whether sample {@code i} came with labels. */
    public boolean labelled(int i) {
        return tiles.get(i).labelled();
    }

    public int size() {
        return tiles.size();
    }

    /** When the batch was drawn, on the buffer's clock. */
    public Instant sampledAt() {
        return sampledAt;
    }

    /** Frees the batch's arrays now rather than when the caller's manager closes. */
    @Override
    public void close() {
        pixels.close();
        if (labels != null) {
            labels.close();
        }
    }
}
