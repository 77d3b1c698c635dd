package io.satstream.app;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code demo --source} names: {@code synthetic} tiles, {@code dir:PATH} (a watched directory, as
 * {@code ingest files}) or {@code stac:URL} (as {@code ingest stac}). A {@code stac:} location is a STAC API
 * when it is an http(s) URL whose path does not end in {@code .json} (a landing page such as
 * {@code https://host/v1}, or its {@code /search}); a {@code .json} URL or a file is a static catalogue,
 * collection or item.
 */
sealed interface DemoSource {
    String SYNTAX = "synthetic, dir:PATH or stac:URL";

    record Synthetic() implements DemoSource {}

    record Directory(Path dir) implements DemoSource {}

    /** @param api true for a STAC API (polled), false for a static catalogue (walked once) */
    record Stac(URI root, boolean api) implements DemoSource {}

    /** @throws IllegalArgumentException with a one-line message naming the option */
    static DemoSource parse(String value) {
        if ("synthetic".equals(value)) {
            return new Synthetic();
        }
        if (value.startsWith("dir:")) {
            return directory(value.substring("dir:".length()));
        }
        if (value.startsWith("stac:")) {
            return stac(value.substring("stac:".length()));
        }
        throw new IllegalArgumentException("--source must be " + SYNTAX + ", got '" + value + "'");
    }

    private static Directory directory(String path) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("--source dir: needs a directory, e.g. dir:./scenes");
        }
        Path dir;
        try {
            dir = Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("--source dir:" + path + ": not a path (" + e.getReason() + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--source dir:" + path + ": " + dir + " is not a directory");
        }
        return new Directory(dir);
    }

    private static Stac stac(String location) {
        if (location.isBlank()) {
            throw new IllegalArgumentException("--source stac: needs a URL or path, e.g. stac:https://host/stac/v1"
                    + " or stac:./catalog.json");
        }
        URI root = StacFeedSpec.location(location, "--source stac:" + location);
        String scheme = root.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            Path file = Path.of(root);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--source stac:" + location + ": no such file " + file);
            }
            return new Stac(root, false);
        }
        String path = root.getPath() == null ? "" : root.getPath().toLowerCase(Locale.ROOT);
        return new Stac(root, !path.endsWith(".json"));
    }
}
