package io.satstream.raster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real imagery in {@code shared/data} beside the repository (CI clones it there). */
final class SharedData {
    private SharedData() {}

    static Path root() {
        Path root = Path.of("..", "..", "shared", "data").toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared test data not found at " + root
                    + " (expected shared/ beside the repository)");
        }
        return root;
    }

    static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("missing test file " + path);
        }
        return path;
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under shared/data whose name ends with one of the suffixes (case-insensitive), sorted. */
    static List<Path> filesEndingWith(String... suffixes) {
        try (Stream<Path> walk = Files.walk(root())) {
            return walk.filter(Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString().toLowerCase();
                for (String s : suffixes) {
                    if (name.endsWith(s)) {
                        return true;
                    }
                }
                return false;
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
