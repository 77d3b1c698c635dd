package io.satstream.ingest.ledger;

import java.util.Optional;

/** A feed seen scene by scene, for {@link SceneIngestRunner}. Not required to be thread-safe. */
public interface SceneSource {
    /**
     * The next scene for the writer: its tiles, or its final rejection; empty when none is ready now or the
     * source is {@link #exhausted()}.
     */
    Optional<Scene> nextScene();

    /** True once the source will never produce another scene. */
    boolean exhausted();
}
