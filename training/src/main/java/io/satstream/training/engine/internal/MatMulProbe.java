package io.satstream.training.engine.internal;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A matrix product, the core of linear layers and attention. */
public final class MatMulProbe extends KernelProbe {

    private final int m;
    private final int k;
    private final int n;

    public MatMulProbe(int m, int k, int n) {
        super(String.format("matmul %dx%d * %dx%d", m, k, k, n), 307L * m + k + n);
        this.m = m;
        this.k = k;
        this.n = n;
    }

    @Override
    protected Map<String, Tensor> inputs(Random rnd) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", Tensor.gaussian(rnd, m, k));
        in.put("b", Tensor.gaussian(rnd, k, n));
        in.put("dy", Tensor.gaussian(rnd, m, n));
        return in;
    }

    @Override
    public Map<String, double[]> reference(Map<String, Tensor> in) {
        float[] a = in.get("a").data();
        float[] b = in.get("b").data();
        double[][] g = ReferenceKernels.matMulBackward(a, b, in.get("dy").data(), m, k, n);
        return named(List.of("y", "da", "db"), ReferenceKernels.matMul(a, b, m, k, n), g[0], g[1]);
    }

    @Override
    public Map<String, float[]> onEngine(NDManager manager, Map<String, Tensor> in) {
        return differentiate(manager, in, List.of("a", "b"), x -> x.get("a").matMul(x.get("b")));
    }
}
