package io.satstream.training.engine.internal;

import io.satstream.training.engine.CpuInfo;
import io.satstream.training.engine.EngineCheckReport;
import io.satstream.training.engine.EngineCheckReport.Check;
import io.satstream.training.engine.IsaLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link KernelProbe}s on the engine and compares every output with the reference.
 *
 * <p>The standard probes are the ops our networks train with, at shapes that reach oneDNN's blocked kernels (batch 2:
 * PyTorch sends a batch of one to its own convolution): channel counts that are multiples of the 8- and 16-channel
 * blocks, and counts that are not (3, 12, 20 — padded blocks, whose layout oneDNN's reorder got wrong on AMD CPUs
 * with a blank cache-topology leaf), the 1x1 head, the transposed 2x2 upsampling, batch norm and a matrix product.
 */
public final class EngineSelfCheck {

    private EngineSelfCheck() {
    }

    public static List<KernelProbe> standardProbes() {
        return List.of(
                new ConvProbe(2, 3, 8, 32, 3, false),
                new ConvProbe(2, 8, 8, 32, 3, false),
                new ConvProbe(2, 12, 12, 32, 3, false),
                new ConvProbe(2, 16, 16, 32, 3, false),
                new ConvProbe(2, 20, 20, 32, 3, false),
                new ConvProbe(2, 16, 6, 32, 1, true),
                new ConvTransposeProbe(2, 16, 8, 16),
                new BatchNormProbe(2, 8, 32),
                new MatMulProbe(64, 96, 48));
    }

    public static EngineCheckReport run(String engine, CpuInfo cpu, IsaLimit limit, List<KernelProbe> probes,
            KernelRunner runner) {
        long t0 = System.nanoTime();
        List<Check> checks = new ArrayList<>();
        for (KernelProbe probe : probes) {
            Map<String, Tensor> in = probe.inputs();
            Map<String, float[]> actual;
            try {
                actual = runner.run(probe, in);
            } catch (RuntimeException e) {
                checks.add(new Check(probe.name(), "all", Double.NaN, 0, "the engine threw " + e));
                continue;
            }
            probe.reference(in).forEach((output, expected) ->
                    checks.add(compare(probe.name(), output, expected, actual.get(output))));
        }
        return new EngineCheckReport(engine, cpu, limit, checks, null, Duration.ofNanos(System.nanoTime() - t0));
    }

    static Check compare(String op, String output, double[] expected, float[] actual) {
        if (actual == null) {
            return new Check(op, output, Double.NaN, 0, "the engine returned no " + output);
        }
        if (actual.length != expected.length) {
            return new Check(op, output, Double.NaN, 0, output + " has " + actual.length + " values, expected "
                    + expected.length);
        }
        double range = 0;
        for (double e : expected) {
            range = Math.max(range, Math.abs(e));
        }
        double worst = 0;
        long nonFinite = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(actual[i])) {
                nonFinite++;
            } else {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            }
        }
        return new Check(op, output, worst / Math.max(range, Double.MIN_NORMAL), nonFinite, null);
    }
}
