package io.satstream.training.dataset;

import java.util.Locale;

/** Which pairs of a dataset: those trained on, those held out for validation, or every pair. */
public enum Split {
    TRAINING, VALIDATION, ALL;

    /** {@code training}, {@code validation}, {@code all}: as the CLI spells it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
