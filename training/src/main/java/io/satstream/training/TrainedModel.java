package io.satstream.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.satstream.inference.Evaluation;
import io.satstream.inference.InferenceRuntime;
import io.satstream.inference.InputSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a training run: the DJL model (for parity checks and further training), its ONNX export and the
 * metrics measured on held-out samples. Close it to free the native PyTorch memory.
 */
public final class TrainedModel implements AutoCloseable {

    private final SegmentationNet net;
    private final InputSpec spec;
    private final Model model;
    private final byte[] onnx;
    private final Map<String, Double> metrics;
    private final Evaluation evaluation;

    TrainedModel(SegmentationNet net, InputSpec spec, Model model, byte[] onnx, Map<String, Double> metrics,
            Evaluation evaluation) {
        this.net = net;
        this.spec = spec;
        this.model = model;
        this.onnx = onnx;
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        this.evaluation = evaluation;
    }

    public SegmentationNet.Config config() {
        return net.config();
    }

    public SegmentationNet net() {
        return net;
    }

    public InputSpec spec() {
        return spec;
    }

    /** The ONNX export of the trained weights (a copy). */
    public byte[] onnx() {
        return onnx.clone();
    }

    /**
     * {@code train_loss} (mean of the last steps), {@code train_loss_first}, {@code miou} and {@code pixel_accuracy}
     * on held-out samples, {@code steps}, {@code train_seconds}, {@code steps_per_second} (of this call); with a
     * parent {@code warm_start_parameters}, and for a resumed run {@code resumed_after_steps}.
     */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /**
     * The held-out evaluation behind {@code miou} and {@code pixel_accuracy}: per-class IoU and the confusion matrix.
     * It is the trainer's (or the {@link TrainingRun.HeldOut}'s) object: read it, do not add to it.
     */
    public Evaluation evaluation() {
        return evaluation;
    }

    /** Runs the DJL (PyTorch) block in inference mode; returns NCHW logits like {@link InferenceRuntime#infer}. */
    public synchronized float[] inferDjl(float[] nchw, int n, int channels, int height, int width) {
        Objects.requireNonNull(nchw, "nchw");
        if (channels != net.config().inChannels()) {
            throw new IllegalArgumentException("model expects " + net.config().inChannels() + " channels, got "
                    + channels);
        }
        net.checkInputSize(height, width);
        if (n < 1 || nchw.length != (long) n * channels * height * width) {
            throw new IllegalArgumentException("expected " + ((long) n * channels * height * width)
                    + " floats for (" + n + "," + channels + "," + height + "," + width + "), got " + nchw.length);
        }
        try (NDManager step = model.getNDManager().newSubManager()) {
            NDArray x = step.create(nchw, new Shape(n, channels, height, width));
            NDList out = model.getBlock().forward(new ParameterStore(step, false), new NDList(x), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
