package io.satstream.modelstore.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises writers of one model: a JVM-wide lock (file locks are per process, and a second lock from the same
 * JVM throws) plus an OS file lock against other processes. Readers never take it.
 */
public final class NameLock {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private NameLock() {
    }

    public static <T> T withLock(Path lockFile, Supplier<T> action) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(key.getParent());
            // NOFOLLOW_LINKS: a link planted as the lock file must not make the store create a file elsewhere
            try (FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
                    FileLock ignored = ch.lock()) {
                return action.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + key + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }
}
