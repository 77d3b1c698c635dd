package io.satstream.training.dataset;

import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.inference.MaskDecoder;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;
import io.satstream.inference.SampleType;
import io.satstream.training.LabeledSample;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Runs an ONNX model through ONNX Runtime (what serves) over whole images and counts its masks against their labels.
 * An image whose size is not a multiple of the model's ({@code satstream.size_multiple}) is padded on the right and
 * bottom by repeating its last column and row, as the segmentation job pads tiles; the padding is labelled ignore, so
 * every pixel of every image counts exactly once and nothing else does.
 */
public final class WholeImageEvaluator {

    /** Called after each image; runs on the evaluating thread. */
    @FunctionalInterface
    public interface Progress {
        void onImage(int done, int total);
    }

    private WholeImageEvaluator() {
    }

    /**
     * @throws IllegalArgumentException when the model's class count is not {@code numClasses}, or an image's band
     *     count is not the spec's
     */
    public static Evaluation evaluate(byte[] onnx, InputSpec spec, int numClasses, List<LabeledSample> images,
            Progress progress) {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(progress, "progress");
        Evaluation eval = new Evaluation(numClasses);
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(onnx, RuntimeOptions.defaults())) {
            if (runtime.numClasses() != numClasses) {
                throw new IllegalArgumentException("the model outputs " + runtime.numClasses() + " classes, the"
                        + " labels have " + numClasses);
            }
            int multiple = runtime.info().sizeMultiple();
            int c = spec.channels();
            for (int i = 0; i < images.size(); i++) {
                LabeledSample s = images.get(i);
                if (s.bands() != c) {
                    throw new IllegalArgumentException("image " + i + " has " + s.bands() + " bands, the model takes "
                            + c + " " + spec.bands());
                }
                int pw = roundUp(s.width(), multiple);
                int ph = roundUp(s.height(), multiple);
                float[] x = new float[c * pw * ph];
                spec.normalizeInto(padded(s.planarUint8(), c, s.width(), s.height(), pw, ph), SampleType.UINT8,
                        pw * ph, x, 0);
                float[] logits = runtime.infer(x, 1, c, ph, pw);
                byte[] predicted = MaskDecoder.decode(logits, 0, numClasses, ph, pw).mask();
                eval.add(predicted, paddedTruth(s.labels(), s.width(), s.height(), pw, ph));
                progress.onImage(i + 1, images.size());
            }
        }
        return eval;
    }

    static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    /** Planar bands of w x h grown to pw x ph: each row continues with its last pixel, the last row repeats. */
    static byte[] padded(byte[] planar, int bands, int w, int h, int pw, int ph) {
        if (pw == w && ph == h) {
            return planar;
        }
        byte[] out = new byte[bands * pw * ph];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < ph; y++) {
                int src = b * w * h + Math.min(y, h - 1) * w;
                int dst = b * pw * ph + y * pw;
                System.arraycopy(planar, src, out, dst, w);
                Arrays.fill(out, dst + w, dst + pw, planar[src + w - 1]);
            }
        }
        return out;
    }

    /** Labels of w x h in a pw x ph frame whose padding is ignore. */
    static byte[] paddedTruth(byte[] labels, int w, int h, int pw, int ph) {
        if (pw == w && ph == h) {
            return labels;
        }
        byte[] out = new byte[pw * ph];
        Arrays.fill(out, (byte) Evaluation.IGNORE);
        for (int y = 0; y < h; y++) {
            System.arraycopy(labels, y * w, out, y * pw, w);
        }
        return out;
    }
}
