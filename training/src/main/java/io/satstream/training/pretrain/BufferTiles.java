package io.satstream.training.pretrain;

import ai.djl.ndarray.NDArray;
import io.satstream.inference.InputSpec;
import io.satstream.training.buffer.SampledBatch;
import io.satstream.training.pretext.TileSample;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a batch sampled from the pretraining buffer into the tiles objectives read: the serving model's input
 * normalisation applied (the buffer holds 8-bit values scaled to [0, 1]), labels where the tile had them.
 */
public final class BufferTiles {

    private BufferTiles() {
    }

    public static List<TileSample> of(SampledBatch batch, InputSpec spec) {
        NDArray pixels = batch.pixels();
        long[] shape = pixels.getShape().getShape();
        int n = (int) shape[0];
        int bands = (int) shape[1];
        int size = (int) shape[2];
        if (bands != spec.channels()) {
            throw new IllegalArgumentException("the buffer holds " + bands + " bands, the model takes "
                    + spec.channels());
        }
        float[] values = pixels.toFloatArray();
        long[] labels = batch.labels() == null ? null : batch.labels().toLongArray();
        float[] mean = spec.mean();
        float[] std = spec.std();
        int plane = size * size;
        List<TileSample> tiles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] px = new float[bands * plane];
            for (int b = 0; b < bands; b++) {
                // stored v / 255; the model takes (v / scale - mean) / std
                float gain = 255f / (spec.scale() * std[b]);
                float bias = -mean[b] / std[b];
                int from = (i * bands + b) * plane;
                for (int p = 0; p < plane; p++) {
                    px[b * plane + p] = values[from + p] * gain + bias;
                }
            }
            byte[] tileLabels = null;
            if (labels != null && batch.labelled(i)) {
                tileLabels = new byte[plane];
                for (int p = 0; p < plane; p++) {
                    tileLabels[p] = (byte) labels[i * plane + p];
                }
            }
            tiles.add(new TileSample(px, bands, size, tileLabels));
        }
        return tiles;
    }
}
