package io.satstream.raster.stitch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** shared/data beside the repository: {@code ../../shared/data} from a module dir, or {@code ../shared/data}. */
final class SharedDataDir {
    private SharedDataDir() {}

    static Path root() {
        for (Path candidate : List.of(Path.of("..", "..", "shared", "data"), Path.of("..", "shared", "data"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("shared test data not found (expected shared/ beside the repository)");
    }
}
