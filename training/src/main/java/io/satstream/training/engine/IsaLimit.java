package io.satstream.training.engine;

import java.util.Objects;

/**
 * The instruction-set limit this process gives oneDNN, the library behind PyTorch's CPU convolutions, and why.
 * oneDNN reads it from the environment ({@code ONEDNN_MAX_CPU_ISA}, else {@code DNNL_MAX_CPU_ISA}) once, before its
 * first kernel; see {@code docs/decisions/0002-training-numerics-on-every-cpu.md}.
 *
 * @param value the limit, e.g. {@code SSE41}; null when oneDNN picks freely
 * @param variable the environment variable that carries it; null when none does
 */
public record IsaLimit(String value, String variable, Source source, String reason) {

    /** The variable satstream sets itself; oneDNN 2.x and 3.x both read it. */
    public static final String VARIABLE = "DNNL_MAX_CPU_ISA";
    /** The name oneDNN 3.x reads first. */
    public static final String VARIABLE_V3 = "ONEDNN_MAX_CPU_ISA";
    /** The limit under which oneDNN convolves with im2col and GEMM on plain layouts (no padded channel blocks). */
    public static final String SAFE_VALUE = "SSE41";

    public enum Source {
        /** No limit: oneDNN uses the widest instruction set the CPU has. */
        NONE,
        /** Whoever started the process set the variable; satstream leaves it as it is. */
        ENVIRONMENT,
        /** satstream set it before the engine's first kernel, because of {@link #reason}. */
        AUTOMATIC
    }

    public IsaLimit {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        if ((source == Source.NONE) != (value == null)) {
            throw new IllegalArgumentException("a limit has a value exactly when it has a source: " + source
                    + ", " + value);
        }
    }

    static IsaLimit none(String reason) {
        return new IsaLimit(null, null, Source.NONE, reason);
    }

    /** E.g. {@code DNNL_MAX_CPU_ISA=SSE41 (set by satstream: …)} or {@code none (…)}. */
    public String describe() {
        return switch (source) {
            case NONE -> "no limit (" + reason + ")";
            case ENVIRONMENT -> variable + "=" + value + " (from the environment)";
            case AUTOMATIC -> variable + "=" + value + " (set by satstream: " + reason + ")";
        };
    }
}
