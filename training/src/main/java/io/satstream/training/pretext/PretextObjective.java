package io.satstream.training.pretext;

import ai.djl.ndarray.NDArray;
import io.satstream.training.SegmentationNet;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A pretraining objective: which network it trains, how it turns buffer tiles into a batch with a target, and its
 * loss. One implementation per method (engine-agnostic like DJL's own abstractions: batches are plain arrays, the
 * loss is NDArray arithmetic). The network an objective trains shares the serving UNet's body, so a
 * {@link io.satstream.training.WarmStart} carries it over to segmentation.
 */
public interface PretextObjective {

    /** The name in configuration, manifests ({@code objective}) and metrics, e.g. {@code sop}. */
    String name();

    /** The network this objective trains on tiles of {@code bands} bands, for a model with {@code numClasses}. */
    SegmentationNet.Config network(int bands, int numClasses, int baseChannels);

    /** True when only labelled tiles are of use (tiles without labels are then left out of batches). */
    boolean needsLabels();

    /**
     * A batch from {@code tiles} (all of one band count and size), or empty when they hold nothing to learn from
     * (e.g. no labelled tile for an objective that needs labels).
     */
    Optional<PretextBatch> batch(List<TileSample> tiles, Random rnd);

    /**
     * The scalar loss of a batch: {@code logits} (N, K, S, S) from the network, {@code target} (N, 1, S, S) int64 and
     * {@code weight} (N, 1, S, S) float32 from {@link PretextBatch}.
     */
    NDArray loss(NDArray logits, NDArray target, NDArray weight);
}
