package io.satstream.ingest.stac;

/** A STAC document is not what the spec says it should be; one line saying which and why. */
public class StacFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StacFormatException(String message) {
        super(message);
    }
}
