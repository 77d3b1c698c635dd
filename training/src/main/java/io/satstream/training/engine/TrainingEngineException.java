package io.satstream.training.engine;

/** Training cannot start because the training engine is not trustworthy here; the message is one line. */
public final class TrainingEngineException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public TrainingEngineException(String message) {
        super(message);
    }
}
