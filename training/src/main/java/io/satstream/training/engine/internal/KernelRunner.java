package io.satstream.training.engine.internal;

import ai.djl.ndarray.NDManager;
import java.util.Map;

/** Computes a probe's outputs on the engine under test; tests decorate it to feed the check a wrong result. */
@FunctionalInterface
public interface KernelRunner {

    Map<String, float[]> run(KernelProbe probe, Map<String, Tensor> inputs);

    /** The engine that {@code manager} belongs to; each probe's arrays live in a sub-manager closed after it. */
    static KernelRunner on(NDManager manager) {
        return (probe, inputs) -> {
            try (NDManager step = manager.newSubManager()) {
                return probe.onEngine(step, inputs);
            }
        };
    }

    /**
     * This runner with one value of one output moved by {@code fraction} of that output's range, for probes whose
     * name starts with {@code opPrefix}: a wrong kernel result, for tests.
     */
    default KernelRunner corrupting(String opPrefix, String output, float fraction) {
        return (probe, inputs) -> {
            Map<String, float[]> out = run(probe, inputs);
            float[] values = out.get(output);
            if (probe.name().startsWith(opPrefix) && values != null && values.length > 0) {
                float range = 0;
                for (float v : values) {
                    range = Math.max(range, Math.abs(v));
                }
                values[values.length / 3] += fraction * range;
            }
            return out;
        };
    }
}
