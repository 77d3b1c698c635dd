package io.satstream.jobs;

/** A tile that cannot be processed; {@link #stage()} and the message become the DLQ headers. */
public class TileRejectedException extends RuntimeException {
    public static final String STAGE_DECODE = "decode";
    public static final String STAGE_VALIDATE = "validate";
    public static final String STAGE_MODEL_INPUT = "model-input";
    public static final String STAGE_INFERENCE = "inference";

    private final String stage;

    public TileRejectedException(String stage, String message) {
        super(message);
        this.stage = stage;
    }

    public TileRejectedException(String stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }
}
