package io.satstream.training.buffer;

/** What {@link PretrainingBuffer#offer} did with a tile; refusals carry the reason counted in {@link BufferStats}. */
public enum OfferOutcome {

    /** Staged for the device; it may still be overwritten before the trainer drains it (counted as replaced). */
    ADMITTED(null),
    /** Smaller than a slot, or with another band count than the buffer's. */
    REFUSED_SHAPE("shape"),
    /** Not drawn by reservoir sampling (Algorithm R). */
    REFUSED_RESERVOIR("reservoir"),
    /** The buffer was closed. */
    REFUSED_CLOSED("closed");

    private final String reason;

    OfferOutcome(String reason) {
        this.reason = reason;
    }

    /** The refusal reason as counted in {@link BufferStats#refused()}, or {@code null} for {@link #ADMITTED}. */
    public String reason() {
        return reason;
    }

    public boolean admitted() {
        return this == ADMITTED;
    }
}
