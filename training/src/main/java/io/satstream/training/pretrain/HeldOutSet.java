package io.satstream.training.pretrain;

import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.inference.MaskDecoder;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;
import io.satstream.training.LabeledSample;
import io.satstream.training.internal.CropSampler;
import java.util.List;
import java.util.Objects;

/**
 * Labelled samples kept out of training, and the one way candidates and the serving version are scored on them:
 * centre crops run through ONNX Runtime (the artifact that serves), the same crops for every model, so two scores
 * compare.
 */
public final class HeldOutSet {

    private final List<LabeledSample> samples;
    private final InputSpec spec;
    private final int numClasses;
    private final int crop;

    public HeldOutSet(List<LabeledSample> samples, InputSpec spec, int numClasses, int crop) {
        this.samples = List.copyOf(samples);
        this.spec = Objects.requireNonNull(spec, "spec");
        if (this.samples.isEmpty()) {
            throw new IllegalArgumentException("a held-out set needs at least one labelled sample");
        }
        this.numClasses = numClasses;
        this.crop = crop;
        for (LabeledSample s : this.samples) {
            if (s.width() < crop || s.height() < crop) {
                throw new IllegalArgumentException("held-out sample of " + s.width() + "x" + s.height()
                        + " is smaller than the " + crop + " px crop");
            }
        }
    }

    public int size() {
        return samples.size();
    }

    /** Per-class IoU, mIoU and pixel accuracy of {@code onnx} on the held-out crops. */
    public Evaluation evaluate(byte[] onnx) {
        int c = spec.channels();
        float[] x = new float[c * crop * crop];
        long[] labels = new long[crop * crop];
        float[] valid = new float[crop * crop];
        byte[] truth = new byte[crop * crop];
        CropSampler sampler = new CropSampler(spec, numClasses, crop);
        Evaluation eval = new Evaluation(numClasses);
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(onnx, RuntimeOptions.defaults())) {
            for (LabeledSample sample : samples) {
                sampler.fill(sample, (sample.width() - crop) / 2, (sample.height() - crop) / 2, 0, x, labels, valid);
                for (int p = 0; p < truth.length; p++) {
                    truth[p] = valid[p] == 0f ? (byte) Evaluation.IGNORE : (byte) labels[p];
                }
                float[] logits = runtime.infer(x, 1, c, crop, crop);
                eval.add(MaskDecoder.decode(logits, 0, numClasses, crop, crop).mask(), truth);
            }
        }
        return eval;
    }
}
