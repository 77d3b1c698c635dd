package io.satstream.inference;

import io.satstream.inference.internal.TensorRtProbe;
import java.util.Locale;
import java.util.Objects;

/** Picks and opens an {@link InferenceRuntime} by kind: {@code auto}, {@code onnxruntime} or {@code tensorrt}. */
public final class InferenceRuntimes {

    public static final String AUTO = "auto";
    public static final String TENSORRT = "tensorrt";

    private InferenceRuntimes() {
    }

    /** Which runtime {@code kind} resolves to on this machine, and why. Explicit {@code tensorrt} throws when unusable. */
    public static RuntimeChoice choose(String kind) {
        return choose(kind, TensorRtProbe.system());
    }

    static RuntimeChoice choose(String kind, TensorRtProbe.Result probe) {
        String k = normalise(kind);
        switch (k) {
            case OnnxRuntimeInference.NAME:
                return new RuntimeChoice(OnnxRuntimeInference.NAME, "requested explicitly");
            case TENSORRT:
                if (!probe.available()) {
                    throw new IllegalStateException("TensorRT requested but unavailable: " + probe.reason());
                }
                throw new IllegalStateException("TensorRT requested and " + probe.reason()
                        + ", but this build has no TensorRT runtime yet; use --runtime onnxruntime");
            case AUTO:
                if (!probe.available()) {
                    return new RuntimeChoice(OnnxRuntimeInference.NAME, probe.reason());
                }
                // The pre-check passed but there is no TensorRT runtime to hand the model to yet.
                return new RuntimeChoice(OnnxRuntimeInference.NAME,
                        probe.reason() + ", but this build has no TensorRT runtime yet");
            default:
                throw new IllegalArgumentException("unknown inference runtime '" + kind
                        + "': expected auto, onnxruntime or tensorrt");
        }
    }

    /** Opens {@code onnxModel} with the runtime {@code kind} resolves to (see {@link #choose(String)}). */
    public static InferenceRuntime open(String kind, byte[] onnxModel, RuntimeOptions options) {
        Objects.requireNonNull(onnxModel, "onnxModel");
        Objects.requireNonNull(options, "options");
        RuntimeChoice choice = choose(kind);
        if (OnnxRuntimeInference.NAME.equals(choice.name())) {
            return new OnnxRuntimeInference(onnxModel, options);
        }
        throw new IllegalStateException("no runtime implementation for " + choice);
    }

    private static String normalise(String kind) {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("inference runtime kind is empty: expected auto, onnxruntime or tensorrt");
        }
        return kind.trim().toLowerCase(Locale.ROOT);
    }
}
