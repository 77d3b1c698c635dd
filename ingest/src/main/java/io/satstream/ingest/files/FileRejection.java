package io.satstream.ingest.files;

import java.nio.file.Path;

/** A file the {@link DirectoryFeed} refused, with a one-line reason. */
public record FileRejection(Path file, String sceneId, String reason) {
    @Override
    public String toString() {
        return file.getFileName() + ": " + reason;
    }
}
