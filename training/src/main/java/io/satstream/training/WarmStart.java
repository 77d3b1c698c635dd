package io.satstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.satstream.training.internal.OnnxWeights;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Starts a network from the weights of a parent version instead of from random ones. The parent is an ONNX file of
 * the store (what every version keeps), read back by initializer name through the same declaration that exported it.
 *
 * <p>Transfer rules, per parameter: same name and shape: copied. A convolution kernel whose parent has more input
 * channels (a Subimage Overlap Prediction parent sees the tile and its crop, twice the bands): the first input
 * channels are copied, i.e. the crop's branch is dropped; the other way round (a SOP network started from a serving
 * version) the parent's kernels fill the first input channels and the crop's keep their fresh values. The classifier
 * head ({@value #HEAD}) keeps its fresh
 * initialisation when the parent's does not fit (another class count). Every other parameter must come from the
 * parent: a parent of another width or depth is refused rather than half-used.
 */
public final class WarmStart {

    /** What a warm start did, parameter by parameter (ONNX initializer names). */
    public record Report(List<String> copied, List<String> adapted, List<String> fresh) {
        public Report {
            copied = List.copyOf(copied);
            adapted = List.copyOf(adapted);
            fresh = List.copyOf(fresh);
        }

        /** Parameters that came from the parent, whole or in part. */
        public int fromParent() {
            return copied.size() + adapted.size();
        }
    }

    /** Name prefix of the classifier head, the one part that may start fresh. */
    public static final String HEAD = "head.";

    private WarmStart() {
    }

    /**
     * Overwrites the parameters of {@code block} (built from {@code net} and initialised) with the parent's.
     *
     * @throws IllegalArgumentException when {@code parentOnnx} is not an ONNX model, or a parameter outside the head
     *     cannot come from it (a parent of another architecture: a "warm" start from it would be partly random); the
     *     block is then left as it was
     */
    public static Report apply(SegmentationNet net, Block block, byte[] parentOnnx) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(parentOnnx, "parentOnnx");
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("the block has no parameters yet: initialise it before a warm start");
        }
        OnnxWeights parent = OnnxWeights.read(parentOnnx);
        List<String> copied = new ArrayList<>();
        List<String> adapted = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        List<String> misfits = new ArrayList<>();
        List<Runnable> assignments = new ArrayList<>();
        net.declaration().restore(block, (name, shape, parameter) -> {
            OnnxWeights.Tensor from = parent.get(name);
            if (from != null && Arrays.equals(from.dims(), shape)) {
                assignments.add(() -> assign(parameter, from.values()));
                copied.add(name);
            } else if (from != null && leadingInputChannels(from.dims(), shape)) {
                assignments.add(() -> assign(parameter, firstInputChannels(from, shape)));
                adapted.add(name);
            } else if (from != null && leadingInputChannels(shape, from.dims())) {
                assignments.add(() -> assign(parameter, parentFirst(from, parameter.getArray().toFloatArray(),
                        shape)));
                adapted.add(name);
            } else if (name.startsWith(HEAD)) {
                fresh.add(name);
            } else {
                misfits.add(name + (from == null ? " (missing)" : " " + Arrays.toString(from.dims()) + " vs "
                        + Arrays.toString(shape)));
            }
        });
        if (!misfits.isEmpty()) {
            throw new IllegalArgumentException("the parent model does not fit " + net + ": " + misfits.size()
                    + " parameters outside the head cannot come from it, e.g. "
                    + String.join(", ", misfits.subList(0, Math.min(3, misfits.size()))));
        }
        assignments.forEach(Runnable::run);
        return new Report(copied, adapted, fresh);
    }

    /** A 4-D kernel (out, in, kh, kw) whose parent has the same out and kernel and more inputs. */
    private static boolean leadingInputChannels(long[] parent, long[] child) {
        return parent.length == 4 && child.length == 4 && parent[0] == child[0] && parent[1] > child[1]
                && parent[2] == child[2] && parent[3] == child[3];
    }

    private static float[] firstInputChannels(OnnxWeights.Tensor from, long[] shape) {
        long[] p = from.dims();
        int out = (int) shape[0];
        int in = (int) shape[1];
        int kernel = (int) (shape[2] * shape[3]);
        int parentIn = (int) p[1];
        float[] values = new float[out * in * kernel];
        for (int o = 0; o < out; o++) {
            System.arraycopy(from.values(), o * parentIn * kernel, values, o * in * kernel, in * kernel);
        }
        return values;
    }

    /** The parent's kernels over the first input channels, {@code fresh}'s over the channels the parent lacks. */
    private static float[] parentFirst(OnnxWeights.Tensor from, float[] fresh, long[] shape) {
        long[] p = from.dims();
        int out = (int) shape[0];
        int in = (int) shape[1];
        int kernel = (int) (shape[2] * shape[3]);
        int parentIn = (int) p[1];
        float[] values = fresh.clone();
        for (int o = 0; o < out; o++) {
            System.arraycopy(from.values(), o * parentIn * kernel, values, o * in * kernel, parentIn * kernel);
        }
        return values;
    }

    private static void assign(Parameter parameter, float[] values) {
        NDArray array = parameter.getArray();
        array.set(FloatBuffer.wrap(values));
    }
}
