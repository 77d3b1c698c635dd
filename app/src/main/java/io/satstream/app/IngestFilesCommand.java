package io.satstream.app;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.satstream.ingest.files.DirectoryFeed;
import io.satstream.ingest.files.DirectoryFeedSettings;
import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.schemas.Topics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream ingest files}: image files dropped into a directory → tiles on Kafka, each scene exactly
 * once (one Kafka transaction per scene, recorded in {@code <work-dir>/ingest/files-ledger.jsonl}), with a
 * progress line. Bad files are reported and recorded, and the feed goes on.
 */
@Command(name = "files",
        mixinStandardHelpOptions = true,
        description = {"Ingests GeoTIFF/COG/PNG/JPEG scenes from a watched directory into the tiles topic.",
            "Each scene is tiled and sent exactly once, even across crashes and restarts.", ""})
public final class IngestFilesCommand implements Callable<Integer> {
    /** Ledger location below the work directory. */
    static final String LEDGER = "files-ledger.jsonl";

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            converter = BootstrapServersConverter.class, description = "Kafka to produce to")
    private String bootstrap;

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

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.TILES,
            description = "topic to produce to (default: ${DEFAULT-VALUE})")
    private String topic;

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
        PrintWriter out = spec.commandLine().getOut();
        SatstreamTopics.ensure(bootstrap, new SatstreamTopics.Names(topic, Topics.SEGMENTATIONS, Topics.MODEL_EVENTS,
                Topics.TILES_DLQ), 2);
        Path ledgerFile = workDir.ensure("ingest").resolve(LEDGER);
        DirectoryFeedSettings settings = DirectoryFeedSettings.of(dir, tiling, once)
                .withStableFor(stableFor)
                .withRescanEvery(rescan)
                .withMaxFileBytes(maxFileMb * 1024 * 1024);
        SceneIngestRunner.Progress last;
        try (ConsoleProgress progress = ConsoleProgress.forConsole(out);
                IngestLedger ledger = IngestLedger.open(ledgerFile);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(
                        ExactlyOnceSceneWriter.Settings.of(bootstrap, topic, transactionalId(ledgerFile, topic)),
                        ledger);
                DirectoryFeed feed = new DirectoryFeed(settings, ledger,
                        r -> progress.println("rejected " + r))) {
            progress.println("ingesting " + settings.dir().toAbsolutePath().normalize() + " (" + String.join(", ",
                    DirectoryFeed.extensions()) + ") into " + topic + (once ? "" : "; watching until Ctrl-C"));
            last = SceneIngestSession.run("ingest-files", "scene(s)", feed, writer, progress, Duration.ofMillis(500),
                    p -> describe(feed, p));
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
        return String.format(Locale.ROOT, "scenes seen %d | ingested %d | skipped %d | rejected %d | tiles sent %d",
                feed.seen(), p.committed(), feed.skipped() + p.skipped(), feed.rejected() + p.rejected(), p.tiles());
    }

    /**
     * One transactional id per ledger and topic, stable across runs, so that a restart fences a crashed run
     * (CONTRACT: satstream-ingest-&lt;feed&gt;-&lt;name&gt;).
     */
    static String transactionalId(Path ledgerFile, String topic) {
        return IngestTransactionalIds.of("files", ledgerFile, topic);
    }
}
