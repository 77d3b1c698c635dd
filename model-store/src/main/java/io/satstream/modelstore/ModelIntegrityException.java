package io.satstream.modelstore;

import java.nio.file.Path;

/** A stored file is missing or its sha256 differs from the manifest: the version must not be served. */
public class ModelIntegrityException extends RuntimeException {

    private final Path file;
    private final String expectedSha256;
    private final String actualSha256;

    public ModelIntegrityException(Path file, String expectedSha256, String actualSha256) {
        super(actualSha256 == null
                ? "integrity check failed: " + file + " is missing (manifest expects sha256 " + expectedSha256 + ")"
                : "integrity check failed for " + file + ": manifest expects sha256 " + expectedSha256
                        + " but the file has " + actualSha256);
        this.file = file;
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public ModelIntegrityException(String message, Path file) {
        super(message);
        this.file = file;
        this.expectedSha256 = null;
        this.actualSha256 = null;
    }

    public Path file() {
        return file;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    /** Null when the file is missing. */
    public String actualSha256() {
        return actualSha256;
    }
}
