package io.satstream.ingest.ledger;

/**
 * What a {@link SceneSource} hands the {@link ExactlyOnceSceneWriter}, one scene version at a time: its tiles
 * to send ({@link SceneTiles}), or the reason it can never be ingested ({@link SceneRejection}), which goes
 * to the dead-letter topic instead. Either way the writer records the outcome in the {@link IngestLedger}.
 */
public sealed interface Scene permits SceneTiles, SceneRejection {
    String sceneId();

    /** Where it came from, as the ledger records it, e.g. {@code files:/in/a.tif}. */
    String source();

    /** Identifies this version of the scene's content (e.g. {@code sha256:...}). */
    String fingerprint();
}
