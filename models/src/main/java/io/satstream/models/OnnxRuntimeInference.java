package io.satstream.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;

/** {@link InferenceRuntime} on ONNX Runtime (CPU). One session per instance; ORT sessions are safe to run concurrently. */
public final class OnnxRuntimeInference implements InferenceRuntime {

    public static final String NAME = "onnxruntime";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OnnxModelInfo info;
    private volatile boolean closed;

    public OnnxRuntimeInference(byte[] onnxModel, RuntimeOptions options) {
        Objects.requireNonNull(onnxModel, "onnxModel");
        Objects.requireNonNull(options, "options");
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(options.intraOpThreads());
            opts.setInterOpNumThreads(options.interOpThreads());
            session = OnnxModelInfo.openSession(env, onnxModel, opts);
        } catch (OrtException e) {
            throw new IllegalArgumentException("invalid ONNX Runtime options " + options + ": " + e.getMessage(), e);
        }
        try {
            info = OnnxModelInfo.describe(session);
        } catch (OrtException | RuntimeException e) {
            closeQuietly();
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("cannot describe the model: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int numClasses() {
        return info.numClasses();
    }

    public OnnxModelInfo info() {
        return info;
    }

    @Override
    public float[] infer(float[] nchw, int n, int channels, int height, int width) {
        Objects.requireNonNull(nchw, "nchw");
        if (closed) {
            throw new IllegalStateException("runtime is closed");
        }
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be >= 1: " + n);
        }
        info.checkInput(channels, height, width);
        long expected = (long) n * channels * height * width;
        if (nchw.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " floats for (" + n + "," + channels + ","
                    + height + "," + width + "), got " + nchw.length);
        }
        long[] shape = {n, channels, height, width};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), shape);
                OrtSession.Result result = session.run(Map.of(info.inputName(), input))) {
            OnnxTensor logits = (OnnxTensor) result.get(info.outputName())
                    .orElseThrow(() -> new IllegalStateException("model produced no output " + info.outputName()));
            FloatBuffer fb = logits.getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            long want = (long) n * info.numClasses() * height * width;
            if (out.length != want) {
                throw new IllegalStateException("model returned " + out.length + " logits, expected " + want
                        + " (n*numClasses*h*w); is the output NCHW at input resolution?");
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing useful to do: the native session is being discarded either way
        }
    }
}
