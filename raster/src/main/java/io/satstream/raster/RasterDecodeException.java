package io.satstream.raster;

/** An image could not be decoded; the message is one line saying why, fit for a DLQ {@code error} header. */
public class RasterDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RasterDecodeException(String reason) {
        super(reason);
    }

    public RasterDecodeException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
