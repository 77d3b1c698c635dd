package io.satstream.modelstore;

import io.satstream.modelstore.internal.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything under a store root, links not followed: each path with its kind and, for a file, its sha256, for a link
 * its target. Two equal snapshots mean the store was left exactly as it was.
 */
final class StoreSnapshot {

    private StoreSnapshot() {
    }

    static Map<String, String> of(Path root) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    out.put(root.relativize(dir) + "/", "dir");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String key = root.relativize(file).toString();
                    if (attrs.isSymbolicLink()) {
                        out.put(key, "link -> " + Files.readSymbolicLink(file));
                    } else {
                        out.put(key, "file " + Sha256.of(Files.readAllBytes(file)));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
