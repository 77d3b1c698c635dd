package io.satstream.training.dataset;

import java.util.Objects;

/**
 * Where a fine-tune's weights start: a given version, the serving version of a model (when it fits the dataset,
 * else random weights), or random weights.
 *
 * @param model the model whose version it is; null for {@link #scratch()}
 * @param version the version; null for the serving one
 */
public record StartFrom(String model, Integer version) {

    public StartFrom {
        if (model == null && version != null) {
            throw new IllegalArgumentException("a version needs its model name");
        }
        if (version != null && version < 1) {
            throw new IllegalArgumentException("a version is >= 1: " + version);
        }
    }

    /** Random weights. */
    public static StartFrom scratch() {
        return new StartFrom(null, null);
    }

    /** The serving version of {@code model} if it fits the dataset, else random weights. */
    public static StartFrom servingOf(String model) {
        return new StartFrom(Objects.requireNonNull(model, "model"), null);
    }

    /** Exactly {@code model@version}; a version that does not fit is an error. */
    public static StartFrom version(String model, int version) {
        return new StartFrom(Objects.requireNonNull(model, "model"), version);
    }

    public boolean isScratch() {
        return model == null;
    }

    public boolean isServingDefault() {
        return model != null && version == null;
    }
}
