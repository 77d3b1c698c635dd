package io.satstream.training.dataset;

/** A labelled dataset or its class file cannot be used as it is; the message names the file and what is wrong. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
