package io.satstream.ingest.ledger;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pumps a {@link SceneSource} through an {@link ExactlyOnceSceneWriter} until the source is exhausted or
 * {@link #stop()} is called, reporting after each scene and at a fixed interval while idle: tiles are
 * written, refused scenes go to the dead-letter topic ({@link ExactlyOnceSceneWriter#reject}).
 */
public final class SceneIngestRunner {
    /** Pause when the source has nothing ready. */
    private static final long IDLE_SLEEP_MS = 100;

    /**
     * @param rejected scenes refused, by the feed or by the writer
     * @param last the outcome of the scene just handled, or null for a periodic report
     */
    public record Progress(long committed, long skipped, long rejected, long tiles, String lastScene,
            ExactlyOnceSceneWriter.Result last, boolean finished) {}

    private final SceneSource source;
    private final ExactlyOnceSceneWriter writer;
    private final Consumer<Progress> onProgress;
    private final Duration reportEvery;
    private volatile boolean stopRequested;
    private long committed;
    private long skipped;
    private long rejected;
    private long tiles;

    public SceneIngestRunner(SceneSource source, ExactlyOnceSceneWriter writer, Duration reportEvery,
            Consumer<Progress> onProgress) {
        this.source = Objects.requireNonNull(source, "source");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.reportEvery = Objects.requireNonNull(reportEvery, "reportEvery");
        this.onProgress = Objects.requireNonNull(onProgress, "onProgress");
    }

    /** Asks {@link #run()} to return after the scene in flight; safe from any thread (e.g. a shutdown hook). */
    public void stop() {
        stopRequested = true;
    }

    /** Runs on the calling thread; returns the final progress. A scene the writer fails on ends the run. */
    public Progress run() throws InterruptedException {
        long nextReport = System.nanoTime() + reportEvery.toNanos();
        while (!stopRequested && !source.exhausted()) {
            Optional<Scene> scene = source.nextScene();
            if (scene.isPresent()) {
                ExactlyOnceSceneWriter.Result result = scene.get() instanceof SceneRejection refused
                        ? writer.reject(refused) : writer.write((SceneTiles) scene.get());
                switch (result.outcome()) {
                    case COMMITTED -> {
                        committed++;
                        tiles += result.tiles();
                    }
                    case SKIPPED -> skipped++;
                    case REJECTED -> rejected++;
                }
                onProgress.accept(progress(scene.get().sceneId(), result, false));
            } else if (!source.exhausted()) {
                Thread.sleep(IDLE_SLEEP_MS);
            }
            if (System.nanoTime() - nextReport >= 0) {
                onProgress.accept(progress(null, null, false));
                nextReport = System.nanoTime() + reportEvery.toNanos();
            }
        }
        Progress last = progress(null, null, true);
        onProgress.accept(last);
        return last;
    }

    private Progress progress(String scene, ExactlyOnceSceneWriter.Result result, boolean finished) {
        return new Progress(committed, skipped, rejected, tiles, scene, result, finished);
    }
}
