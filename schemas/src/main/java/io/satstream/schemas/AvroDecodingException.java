package io.satstream.schemas;

/** Bytes that are not a valid record of the expected type; the message says why. */
public class AvroDecodingException extends RuntimeException {
    public AvroDecodingException(String message) {
        super(message);
    }

    public AvroDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
