package io.satstream.jobs.internal;

import io.satstream.inference.InferenceRuntime;
import io.satstream.inference.RuntimeOptions;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One loaded, warmed-up runtime per promoted version and runtime setting in this JVM, shared by the inference
 * subtasks that swap to it. Subtasks of a TaskManager receive the same event at about the same moment; without
 * sharing, each would open its own runtime and pay its own warm-up, and on a small machine those loads compete with
 * the batches still being served. Runtimes are thread-safe for inference ({@link InferenceRuntime}), so each subtask
 * gets a {@link ServingModel} whose runtime is a lease on the shared one; the last lease closed closes it.
 */
final class SharedVersions {
    /** What makes two loads the same: the version's files and how its runtime is set up. */
    record Key(String uri, String modelSha256, String runtimeKind, RuntimeOptions options) {}

    /** Checked loading, as {@link VersionLoader} does it: fetch, verify, open, warm up. */
    interface Loader {
        ServingModel load() throws ModelRefusedException;
    }

    private static final class Entry {
        final CompletableFuture<ServingModel> model = new CompletableFuture<>();
        int leases;
    }

    private static final Map<Key, Entry> LOADED = new HashMap<>();

    private SharedVersions() {}

    /**
     * A lease on {@code key}'s runtime: loaded by {@code loader} when no subtask of this JVM holds one, else the one
     * loaded (or being loaded) for another subtask. A refusal reaches every subtask that waited for that load.
     */
    static ServingModel acquire(Key key, Loader loader) throws ModelRefusedException {
        Entry entry;
        boolean owner;
        synchronized (LOADED) {
            entry = LOADED.get(key);
            owner = entry == null;
            if (owner) {
                entry = new Entry();
                LOADED.put(key, entry);
            }
            entry.leases++;
        }
        if (owner) {
            try {
                entry.model.complete(loader.load());
            } catch (ModelRefusedException | RuntimeException | Error e) {
                entry.model.completeExceptionally(e);
            }
        }
        ServingModel shared;
        try {
            shared = entry.model.join();
        } catch (CompletionException e) {
            release(key, entry);
            if (e.getCause() instanceof ModelRefusedException refused) {
                throw refused;
            }
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        Entry leased = entry;
        return shared.withRuntime(new Lease(shared.runtime(), () -> release(key, leased)));
    }

    private static void release(Key key, Entry entry) {
        ServingModel toClose = null;
        synchronized (LOADED) {
            if (--entry.leases == 0) {
                LOADED.remove(key, entry);
                toClose = entry.model.isCompletedExceptionally() ? null : entry.model.join();
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** Loaded versions held by some subtask of this JVM (for tests). */
    static int held() {
        synchronized (LOADED) {
            return LOADED.size();
        }
    }

    /** One subtask's hold on a shared runtime: closing it gives the hold back, once. */
    private static final class Lease implements InferenceRuntime {
        private final InferenceRuntime runtime;
        private final Runnable release;
        private final AtomicBoolean closed = new AtomicBoolean();

        Lease(InferenceRuntime runtime, Runnable release) {
            this.runtime = runtime;
            this.release = release;
        }

        @Override
        public String name() {
            return runtime.name();
        }

        @Override
        public int numClasses() {
            return runtime.numClasses();
        }

        @Override
        public float[] infer(float[] nchw, int n, int channels, int height, int width) {
            if (closed.get()) {
                throw new IllegalStateException("this lease on " + runtime.name() + " was given back");
            }
            return runtime.infer(nchw, n, channels, height, width);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release.run();
            }
        }
    }
}
