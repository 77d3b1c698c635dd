package io.satstream.training.engine.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A square convolution with stride 1 and "same" zero padding, as {@code Conv2d} blocks run it. */
public final class ConvProbe extends KernelProbe {

    private final int n;
    private final int ci;
    private final int co;
    private final int size;
    private final int k;
    private final boolean bias;

    public ConvProbe(int n, int ci, int co, int size, int k, boolean bias) {
        super(String.format("conv%dx%d %d->%d%s (%dx%dx%dx%d)", k, k, ci, co, bias ? " +bias" : "", n, ci, size,
                size), 31L * ci + co + 7L * k + size);
        this.n = n;
        this.ci = ci;
        this.co = co;
        this.size = size;
        this.k = k;
        this.bias = bias;
    }

    @Override
    protected Map<String, Tensor> inputs(Random rnd) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", Tensor.gaussian(rnd, n, ci, size, size));
        in.put("weight", Tensor.gaussian(rnd, co, ci, k, k));
        if (bias) {
            in.put("bias", Tensor.gaussian(rnd, co));
        }
        in.put("dy", Tensor.gaussian(rnd, n, co, size, size));
        return in;
    }

    @Override
    public Map<String, double[]> reference(Map<String, Tensor> in) {
        float[] x = in.get("x").data();
        float[] w = in.get("weight").data();
        float[] b = bias ? in.get("bias").data() : null;
        double[] y = ReferenceKernels.conv2d(x, w, b, n, ci, co, size, size, k, k / 2);
        double[][] g = ReferenceKernels.conv2dBackward(x, w, in.get("dy").data(), n, ci, co, size, size, k, k / 2);
        return bias ? named(List.of("y", "dx", "dweight", "dbias"), y, g[0], g[1], g[2])
                : named(List.of("y", "dx", "dweight"), y, g[0], g[1]);
    }

    @Override
    public Map<String, float[]> onEngine(NDManager manager, Map<String, Tensor> in) {
        List<String> wrt = bias ? List.of("x", "weight", "bias") : List.of("x", "weight");
        int pad = k / 2;
        return differentiate(manager, in, wrt, a -> {
            NDArray b = bias ? a.get("bias") : null;
            return Conv2d.conv2d(a.get("x"), a.get("weight"), b, new Shape(1, 1), new Shape(pad, pad),
                    new Shape(1, 1), 1).singletonOrThrow();
        });
    }
}
