package io.satstream.ingest.stac;

import io.satstream.ingest.TileProducer;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.tiling.SceneRef;

/**
 * Called by a feed once every tile of a scene has been handed out (and, under {@link io.satstream.ingest.FeedRunner},
 * sent): makes the scene durable and records it. Returns false when the scene did not make it: the feed then
 * stops with an error, leaving the scene unrecorded so that the next run sends it again.
 */
@FunctionalInterface
public interface SceneCommitter {
    boolean sceneSent(SceneRef scene, String fingerprint, int tiles);

    /**
     * Flushes the producer, and only when none of the scene's sends failed writes the ledger's committed line.
     * At least once per scene: a crash between the flush and the ledger line re-sends the scene on restart,
     * with the same deterministic tile ids, which consumers can drop.
     */
    static SceneCommitter flushing(TileProducer producer, IngestLedger ledger) {
        long[] failedBefore = {producer.failed()};
        return (scene, fingerprint, tiles) -> {
            producer.flush();
            long failed = producer.failed();
            boolean ok = failed == failedBefore[0];
            failedBefore[0] = failed;
            if (ok) {
                ledger.markIngested(scene.sceneId(), scene.source(), fingerprint, tiles);
            }
            return ok;
        };
    }
}
