package io.satstream.ingest.files.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides when a file is ready to read: its size and modification time must have stayed the same for a
 * while (a writer still copying it in changes them), and it must not have been handled already in that
 * same state. Times are monotonic nanoseconds, supplied by the caller.
 */
public final class StableFiles {
    /** What a listing saw of one file. */
    public record Seen(long size, long modified) {}

    private record Observation(Seen state, long since) {}

    private final long stableNanos;
    private final Map<Path, Observation> watching = new HashMap<>();
    private final Map<Path, Seen> handled = new HashMap<>();

    public StableFiles(long stableNanos) {
        this.stableNanos = stableNanos;
    }

    /**
     * Feeds one directory listing; returns the files that are ready now, in path order. Files gone from the
     * listing are forgotten (a file that comes back is new).
     */
    public List<Path> update(Map<Path, Seen> listing, long now) {
        Set<Path> gone = new HashSet<>(watching.keySet());
        gone.addAll(handled.keySet());
        gone.removeAll(listing.keySet());
        gone.forEach(p -> {
            watching.remove(p);
            handled.remove(p);
        });
        List<Path> ready = new ArrayList<>();
        for (Map.Entry<Path, Seen> e : listing.entrySet()) {
            Path path = e.getKey();
            Seen state = e.getValue();
            if (state.equals(handled.get(path))) {
                continue;
            }
            Observation o = watching.get(path);
            if (o == null || !o.state().equals(state)) {
                watching.put(path, new Observation(state, now));
                o = watching.get(path);
            }
            if (now - o.since() >= stableNanos) {
                ready.add(path);
            }
        }
        ready.sort(null);
        return ready;
    }

    /** The file was handled in this state; it comes back only if it changes. */
    public void handled(Path path, Seen state) {
        watching.remove(path);
        handled.put(path, state);
    }

    /** Files seen but not handled yet (still settling, or ready). */
    public int waiting() {
        return watching.size();
    }
}
