package io.satstream.app;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.satstream.ingest.files.DirectoryFeed;
import io.satstream.ingest.files.DirectoryFeedSettings;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.tiling.TilerSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream ingest files}: image files dropped into a directory → tiles on Kafka, each scene exactly
 * once (one Kafka transaction per scene, recorded in {@code <work-dir>/ingest/files-ledger.jsonl}), with a
 * progress line. Bad files are reported and sent, once, to the dead-letter topic, and the feed goes on.
 */
@Command(name = "files",
        mixinStandardHelpOptions = true,
        description = {"Ingests GeoTIFF/COG/PNG/JPEG scenes from a watched directory into the tiles topic.",
            "Each scene is tiled and sent exactly once, even across crashes and restarts.", ""})
public final class IngestFilesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Mixin
    private FeedOptions feedOptions;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "directory to ingest and watch")
    private Path dir;

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "256",
            description = "tile side in pixels (default: ${DEFAULT-VALUE})")
    private int tileSize;

    @Option(names = "--overlap", paramLabel = "PX", defaultValue = "32",
            description = "pixels shared by neighbouring tiles, less than half a tile (default: ${DEFAULT-VALUE})")
    private int overlap;

    @Option(names = "--once", description = "ingest what is in the directory now, then exit (default: watch until Ctrl-C)")
    private boolean once;

    @Option(names = "--stable-for", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "read a file once its size has not changed for this long (default: ${DEFAULT-VALUE})")
    private Duration stableFor;

    @Option(names = "--rescan", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "list the directory at least this often, besides watch events (default: ${DEFAULT-VALUE})")
    private Duration rescan;

    @Option(names = "--max-file-mb", paramLabel = "MB", defaultValue = "1024",
            description = "refuse larger files without reading them (default: ${DEFAULT-VALUE})")
    private long maxFileMb;

    @Override
    public Integer call() throws InterruptedException {
        TilerSettings tiling = tiling();
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--dir " + dir + " is not a directory");
        }
        if (rescan.isZero() || rescan.isNegative() || stableFor.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--rescan must be > 0 and --stable-for >= 0");
        }
        if (maxFileMb < 1) {
            throw new ParameterException(spec.commandLine(), "--max-file-mb must be >= 1, got " + maxFileMb);
        }
        FeedTarget target = feedOptions.target();
        PrintWriter out = spec.commandLine().getOut();
        target.ensureTopics();
        DirectoryFeedSettings settings = DirectoryFeedSettings.of(dir, tiling, once)
                .withStableFor(stableFor)
                .withRescanEvery(rescan)
                .withMaxFileBytes(maxFileMb * 1024 * 1024);
        SceneIngestRunner.Progress last;
        try (ConsoleProgress progress = ConsoleProgress.forConsole(out);
                ExactlyOnceFeed<DirectoryFeed> session = ExactlyOnceFeed.files(target, workDir.ensure("ingest"),
                        settings, r -> progress.println("rejected " + r))) {
            DirectoryFeed feed = session.feed();
            progress.println("ingesting " + settings.dir().toAbsolutePath().normalize() + " (" + String.join(", ",
                    DirectoryFeed.extensions()) + ") into " + target.topic() + ", refused files into "
                    + target.dlqTopic() + (once ? "" : "; watching until Ctrl-C"));
            last = SceneIngestSession.run("ingest-files", "scene(s)", feed, session.writer(), progress,
                    Duration.ofMillis(500), p -> describe(feed, p));
            progress.finish(describe(feed, last));
        }
        return 0;
    }

    private TilerSettings tiling() {
        try {
            return new TilerSettings(tileSize, overlap);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tile-size/--overlap: " + e.getMessage());
        }
    }

    private static String describe(DirectoryFeed feed, SceneIngestRunner.Progress p) {
        // the runner counts every refusal (the feed's, sent to the DLQ, and the writer's)
        return String.format(Locale.ROOT, "scenes seen %d | ingested %d | skipped %d | rejected %d | tiles sent %d",
                feed.seen(), p.committed(), feed.skipped() + p.skipped(), p.rejected(), p.tiles());
    }
}
