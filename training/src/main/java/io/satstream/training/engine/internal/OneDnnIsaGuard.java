package io.satstream.training.engine.internal;

import io.satstream.training.engine.CpuInfo;
import io.satstream.training.engine.IsaLimit;
import java.util.Map;

/**
 * Decides, before PyTorch runs its first convolution, whether oneDNN must be kept off its blocked-layout kernels.
 *
 * <p>On AMD CPUs whose cache-topology leaf (cpuid 0x8000001D) reports nothing — hypervisors that pass
 * {@code topoext} through but blank the leaf, or CPUs without {@code topoext} — oneDNN 3.5/3.7 (PyTorch 2.5/2.7)
 * computes 1-byte caches, and the reorder that lays out weights for its AVX2 and AVX-512 convolutions drops values
 * whenever a channel count is not a multiple of the 8- or 16-channel block (docs/decisions/0002). Capped at SSE4.1
 * it convolves with im2col and GEMM on plain layouts, which is right there. Everywhere else nothing is limited. A variable set by whoever
 * started the process always wins. Either way {@code EngineSelfCheck} verifies the result before training.
 */
public final class OneDnnIsaGuard {

    private OneDnnIsaGuard() {
    }

    /** What this process should run with, from the CPU and the environment it started with. */
    public static IsaLimit decide(CpuInfo cpu, Map<String, String> env) {
        for (String variable : new String[] {IsaLimit.VARIABLE_V3, IsaLimit.VARIABLE}) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return new IsaLimit(value.strip(), variable, IsaLimit.Source.ENVIRONMENT, "set before start");
            }
        }
        if (cpu.isAmd() && (!cpu.has("topoext") || !cpu.cacheTopologyVisible())) {
            return new IsaLimit(IsaLimit.SAFE_VALUE, IsaLimit.VARIABLE, IsaLimit.Source.AUTOMATIC,
                    "AMD CPU whose cpuid leaf 0x8000001D describes no caches; oneDNN's blocked convolutions"
                            + " compute wrong values there");
        }
        return new IsaLimit(null, null, IsaLimit.Source.NONE, "not needed on this CPU");
    }

    /**
     * Puts an automatic limit into this process's environment, where oneDNN will read it. It must run before the
     * engine's first convolution: oneDNN reads the variable once. Returns the limit that holds now.
     */
    public static IsaLimit apply(IsaLimit limit) {
        if (limit.source() == IsaLimit.Source.AUTOMATIC) {
            NativeEnvironment.set(limit.variable(), limit.value());
        }
        return limit;
    }
}
