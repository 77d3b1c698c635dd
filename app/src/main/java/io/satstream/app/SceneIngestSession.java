package io.satstream.app;

import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.ledger.SceneSource;

import java.time.Duration;
import java.util.function.Function;

/**
 * How every exactly-once feed command runs its feed: say what recovery found of a crashed run, pump
 * scenes through the writer with a live status line, and stop cleanly on Ctrl-C.
 */
final class SceneIngestSession {
    private SceneIngestSession() {}

    /**
     * @param name for the shutdown hook, e.g. {@code ingest-stac}
     * @param unit what one scene is called in the recovery line, e.g. {@code item(s)}
     * @param status the status line for the runner's progress
     * @return the runner's last progress
     */
    static SceneIngestRunner.Progress run(String name, String unit, SceneSource feed, ExactlyOnceSceneWriter writer,
            ConsoleProgress progress, Duration reportEvery, Function<SceneIngestRunner.Progress, String> status)
            throws InterruptedException {
        reportRecovery(writer, unit, progress);
        SceneIngestRunner runner = new SceneIngestRunner(feed, writer, reportEvery, p -> progress.update(status.apply(p)));
        try (ShutdownSignal stop = ShutdownSignal.install(name, Duration.ofSeconds(30), runner::stop)) {
            return runner.run();
        }
    }

    /** Says what opening the writer found of a crashed run, if anything. */
    static void reportRecovery(ExactlyOnceSceneWriter writer, String unit, ConsoleProgress progress) {
        ExactlyOnceSceneWriter.Recovery recovery = writer.recovery();
        if (recovery.committed() + recovery.aborted() > 0) {
            progress.println("recovered the last run: " + recovery.committed() + " " + unit + " had been committed, "
                    + recovery.aborted() + " will be sent again");
        }
    }
}
