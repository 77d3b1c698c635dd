package io.satstream.training.pretext;

import ai.djl.ndarray.NDArray;
import io.satstream.training.SegmentationNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Task-specific supervised pretraining on noisy labels (Liu, Albrecht, Wang and Zhu, 2024): plain segmentation
 * against label masks that arrive with the tiles from an automatic source (a land-cover product, or the synthetic
 * feed's degraded labels), softmax cross-entropy over the model's classes. Pixels labelled {@value
 * TileSample#IGNORE}, or with a class the model does not have, carry no loss; tiles without labels are left out.
 * The network is the serving network itself, so everything, head included, carries over.
 */
public final class NoisyLabels implements PretextObjective {

    public static final String NAME = "noisy";

    private final int numClasses;

    /** @param numClasses the model's classes; labels at or above it carry no loss */
    public NoisyLabels(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2: " + numClasses);
        }
        this.numClasses = numClasses;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SegmentationNet.Config network(int bands, int classes, int baseChannels) {
        return new SegmentationNet.Config(bands, numClasses, baseChannels);
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public Optional<PretextBatch> batch(List<TileSample> tiles, Random rnd) {
        List<TileSample> labelled = new ArrayList<>();
        for (TileSample t : tiles) {
            if (t.labelled()) {
                labelled.add(t);
            }
        }
        if (labelled.isEmpty()) {
            return Optional.empty();
        }
        TileSample first = labelled.get(0);
        int c = first.bands();
        int s = first.size();
        int plane = s * s;
        int n = labelled.size();
        float[] input = new float[n * c * plane];
        long[] target = new long[n * plane];
        float[] weight = new float[n * plane];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            TileSample t = labelled.get(i);
            if (t.bands() != c || t.size() != s) {
                throw new IllegalArgumentException("tiles of one batch must share bands and size");
            }
            System.arraycopy(t.pixels(), 0, input, i * c * plane, c * plane);
            for (int p = 0; p < plane; p++) {
                int label = t.labels()[p] & 0xFF;
                if (label < numClasses) {
                    target[i * plane + p] = label;
                    weight[i * plane + p] = 1f;
                    any = true;
                }
            }
        }
        return any ? Optional.of(new PretextBatch(input, n, c, s, target, weight)) : Optional.empty();
    }

    @Override
    public NDArray loss(NDArray logits, NDArray target, NDArray weight) {
        return SegmentationLosses.crossEntropy(logits, target, weight);
    }
}
