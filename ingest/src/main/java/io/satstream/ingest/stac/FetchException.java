package io.satstream.ingest.stac;

/** A document or asset could not be fetched; the message is one line naming the href and why. */
public class FetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public FetchException(String message) {
        this(message, -1, null);
    }

    public FetchException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status when the server answered with an error, else -1. */
    public int status() {
        return status;
    }
}
