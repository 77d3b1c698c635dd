package io.satstream.training.engine.internal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * One training op the self-check runs twice on the same numbers: on the engine (forward, then backward through
 * autograd with the loss {@code sum(y * dy)}, so the output gradient is {@code dy}) and in {@link ReferenceKernels}.
 * Both return the same named outputs: {@code y} and the gradient of each differentiable input ({@code dx},
 * {@code dweight}, …).
 */
public abstract class KernelProbe {

    private final String name;
    private final long seed;

    protected KernelProbe(String name, long seed) {
        this.name = name;
        this.seed = seed;
    }

    /** E.g. {@code conv3x3 12->12 (2x12x32x32)}. */
    public final String name() {
        return name;
    }

    /** The inputs, drawn from a fixed seed, including the output gradient {@code dy}. */
    public final Map<String, Tensor> inputs() {
        return inputs(new Random(seed));
    }

    protected abstract Map<String, Tensor> inputs(Random rnd);

    /** The expected outputs, in double precision. */
    public abstract Map<String, double[]> reference(Map<String, Tensor> in);

    /** The same outputs computed by the engine {@code manager} belongs to. */
    public abstract Map<String, float[]> onEngine(NDManager manager, Map<String, Tensor> in);

    /**
     * Runs {@code forward} on the engine with gradients for {@code wrt}, backpropagates {@code sum(y * dy)} and
     * returns {@code y} and {@code d<name>} for each of {@code wrt}.
     */
    protected static Map<String, float[]> differentiate(NDManager manager, Map<String, Tensor> in, List<String> wrt,
            Function<Map<String, NDArray>, NDArray> forward) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        in.forEach((k, t) -> arrays.put(k, manager.create(t.data(), t.shape())));
        for (String k : wrt) {
            arrays.get(k).setRequiresGradient(true);
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        Engine engine = manager.getEngine();
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray y = forward.apply(arrays);
            out.put("y", y.toFloatArray());
            gc.backward(y.mul(arrays.get("dy")).sum());
        }
        for (String k : wrt) {
            out.put("d" + k, arrays.get(k).getGradient().toFloatArray());
        }
        return out;
    }

    /** Puts {@code arrays} under {@code names}, in order. */
    protected static Map<String, double[]> named(List<String> names, double[]... arrays) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), arrays[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
