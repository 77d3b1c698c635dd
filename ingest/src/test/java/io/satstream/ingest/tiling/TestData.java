package io.satstream.ingest.tiling;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data the way CI lays it out (shared/ beside the repository). */
public final class TestData {
    private TestData() {}

    public static Path dir() {
        for (String candidate : new String[] {"../../shared/data", "../shared/data"}) {
            Path p = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("shared/data not found beside the repository (looked in ../../shared/data "
                + "and ../shared/data from " + Path.of("").toAbsolutePath() + ")");
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }
}
