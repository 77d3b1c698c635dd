package io.satstream.jobs.internal;

import io.satstream.modelstore.events.ModelEvents;

/** A model version a job will not serve, with the one-word reason of {@link ModelEvents#REASONS}. */
public final class ModelRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public ModelRefusedException(String reason, String message, Throwable cause) {
        super(message, cause);
        if (!ModelEvents.REASONS.contains(reason)) {
            throw new IllegalArgumentException("unknown refusal reason " + reason);
        }
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
