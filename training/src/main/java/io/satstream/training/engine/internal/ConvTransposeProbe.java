package io.satstream.training.engine.internal;

import ai.djl.ndarray.NDManager;
import io.satstream.training.internal.ConvTranspose2x2;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The UNet's learned 2x upsampling, {@link ConvTranspose2x2#apply}. */
public final class ConvTransposeProbe extends KernelProbe {

    private final int n;
    private final int ci;
    private final int co;
    private final int size;

    public ConvTransposeProbe(int n, int ci, int co, int size) {
        super(String.format("convtranspose2x2 %d->%d (%dx%dx%dx%d)", ci, co, n, ci, size, size), 101L * ci + co);
        this.n = n;
        this.ci = ci;
        this.co = co;
        this.size = size;
    }

    @Override
    protected Map<String, Tensor> inputs(Random rnd) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", Tensor.gaussian(rnd, n, ci, size, size));
        in.put("weight", Tensor.gaussian(rnd, ci, co, 2, 2));
        in.put("bias", Tensor.gaussian(rnd, co));
        in.put("dy", Tensor.gaussian(rnd, n, co, 2L * size, 2L * size));
        return in;
    }

    @Override
    public Map<String, double[]> reference(Map<String, Tensor> in) {
        float[] x = in.get("x").data();
        float[] w = in.get("weight").data();
        double[] y = ReferenceKernels.convTranspose2x2(x, w, in.get("bias").data(), n, ci, co, size, size);
        double[][] g = ReferenceKernels.convTranspose2x2Backward(x, w, in.get("dy").data(), n, ci, co, size, size);
        return named(List.of("y", "dx", "dweight", "dbias"), y, g[0], g[1], g[2]);
    }

    @Override
    public Map<String, float[]> onEngine(NDManager manager, Map<String, Tensor> in) {
        return differentiate(manager, in, List.of("x", "weight", "bias"),
                a -> ConvTranspose2x2.apply(a.get("x"), a.get("weight"), a.get("bias")));
    }
}
