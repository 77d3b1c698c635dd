package io.satstream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;


/** {@link InferenceRuntime} on ONNX Runtime (CPU). One session per instance; ORT sessions are safe to run concurrently. */
public final class OnnxRuntimeInference implements InferenceRuntime {

    public static final String NAME = "onnxruntime";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final OnnxModelInfo info;
    private volatile boolean closed;
    private final ThreadLocal<IoBuffers> buffers = ThreadLocal.withInitial(IoBuffers::new);

    public OnnxRuntimeInference(byte[] onnxModel, RuntimeOptions options) {
        Objects.requireNonNull(onnxModel, "onnxModel");
        Objects.requireNonNull(options, "options");
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Memory patterns are planned per input shape, and micro-batches come in every size up to the maximum:
            // with them on, the second run of each new shape was as slow as the first (811 vs 232 ms for 8 tiles of
            // 256x256 on 1 thread); off, it runs at steady speed and the steady speed is the same.
            opts.setMemoryPatternOptimization(false);
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
        long[] outputShape = {n, info.numClasses(), height, width};
        long outputFloats = (long) n * info.numClasses() * height * width;
        if (outputFloats > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("a batch of " + n + " at " + width + "x" + height + " needs "
                    + outputFloats + " output floats, more than one buffer holds");
        }
        IoBuffers io = buffers.get();
        FloatBuffer in = io.input(nchw.length);
        in.put(nchw).flip();
        FloatBuffer out = io.output((int) outputFloats);
        try (OnnxTensor input = OnnxTensor.createTensor(env, in, new long[] {n, channels, height, width});
                OnnxTensor logits = OnnxTensor.createTensor(env, out, outputShape);
                OrtSession.Result result = session.run(Map.of(info.inputName(), input),
                        Map.of(info.outputName(), logits))) {
            float[] copy = new float[(int) outputFloats];
            out.get(copy);
            return copy;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime inference failed (the output must be NCHW logits at input"
                    + " resolution, " + Arrays.toString(outputShape) + "): " + e.getMessage(), e);
        }
    }

    /**
     * One thread's direct, native-order buffers, grown to the largest batch seen. ORT reads the input and writes
     * the logits in place: a tensor made from a heap array would copy the 6 MB input into a fresh direct buffer
     * per batch, and reading an unpinned output copies the 12 MB of logits twice; wrapping a buffer in a
     * tensor costs no copy.
     */
    private static final class IoBuffers {
        private ByteBuffer input = ByteBuffer.allocateDirect(0);
        private ByteBuffer output = ByteBuffer.allocateDirect(0);

        FloatBuffer input(int floats) {
            input = ensure(input, floats);
            return view(input, floats);
        }

        FloatBuffer output(int floats) {
            output = ensure(output, floats);
            return view(output, floats);
        }

        private static ByteBuffer ensure(ByteBuffer buffer, int floats) {
            return buffer.capacity() >= floats * Float.BYTES ? buffer
                    : ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
        }

        private static FloatBuffer view(ByteBuffer buffer, int floats) {
            return buffer.duplicate().order(ByteOrder.nativeOrder()).limit(floats * Float.BYTES).asFloatBuffer();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // The closing thread's buffers go now, not whenever its ThreadLocal map drops stale entries: a job that
            // swaps models would otherwise keep each replaced instance's tens of MiB of direct buffers for a while.
            buffers.remove();
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
