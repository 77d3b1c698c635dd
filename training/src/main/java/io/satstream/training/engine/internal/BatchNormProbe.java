package io.satstream.training.engine.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.norm.BatchNorm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Batch normalisation in training mode (batch statistics), as the {@code BatchNorm} blocks run it. */
public final class BatchNormProbe extends KernelProbe {

    private static final float EPS = 1e-5f;

    private final int n;
    private final int c;
    private final int size;

    public BatchNormProbe(int n, int c, int size) {
        super(String.format("batchnorm %d (%dx%dx%dx%d)", c, n, c, size, size), 211L * c + size);
        this.n = n;
        this.c = c;
        this.size = size;
    }

    @Override
    protected Map<String, Tensor> inputs(Random rnd) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        Tensor x = Tensor.gaussian(rnd, n, c, size, size);
        // A per-channel offset and scale, as activations have, so the normalisation does real work.
        float[] v = x.data();
        int hw = size * size;
        for (int i = 0; i < v.length; i++) {
            int ch = (i / hw) % c;
            v[i] = v[i] * (0.5f + ch) + 3f * ch - 4f;
        }
        in.put("x", x);
        in.put("gamma", Tensor.gaussian(rnd, c));
        in.put("beta", Tensor.gaussian(rnd, c));
        in.put("dy", Tensor.gaussian(rnd, n, c, size, size));
        return in;
    }

    @Override
    public Map<String, double[]> reference(Map<String, Tensor> in) {
        float[] x = in.get("x").data();
        float[] gamma = in.get("gamma").data();
        int hw = size * size;
        double[] y = ReferenceKernels.batchNorm(x, gamma, in.get("beta").data(), n, c, hw, EPS);
        double[][] g = ReferenceKernels.batchNormBackward(x, gamma, in.get("dy").data(), n, c, hw, EPS);
        return named(List.of("y", "dx", "dgamma", "dbeta"), y, g[0], g[1], g[2]);
    }

    @Override
    public Map<String, float[]> onEngine(NDManager manager, Map<String, Tensor> in) {
        return differentiate(manager, in, List.of("x", "gamma", "beta"), a -> {
            // Running statistics are updated in place by the op; they are not part of the check.
            var runningMean = manager.zeros(a.get("gamma").getShape());
            var runningVar = manager.ones(a.get("gamma").getShape());
            return BatchNorm.batchNorm(a.get("x"), runningMean, runningVar, a.get("gamma"), a.get("beta"), 1, 0.9f,
                    EPS, true).singletonOrThrow();
        });
    }
}
