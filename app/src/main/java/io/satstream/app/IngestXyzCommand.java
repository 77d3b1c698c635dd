package io.satstream.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.satstream.ingest.IngestLimits;
import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.ingest.xyz.XyzTileFeed;
import io.satstream.ingest.xyz.XyzUrlTemplate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream ingest xyz}: the XYZ tiles of a lon/lat box at one zoom, fetched from a tile server, into
 * the tiles topic; the ledger ({@code <work-dir>/ingest/xyz-ledger.jsonl}) skips tiles already ingested, and
 * each tile is sent in its own Kafka transaction ({@link ExactlyOnceSceneWriter}), so none is ingested twice,
 * even after a crash. A tile that does not decode goes once to the dead-letter topic; download failures are
 * asked for again by the next run.
 */
@Command(name = "xyz",
        mixinStandardHelpOptions = true,
        description = {"Ingests the XYZ tiles of a lon/lat box at one zoom from a tile server into the tiles topic.", ""})
public final class IngestXyzCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Mixin
    private FeedOptions feedOptions;

    @Option(names = "--url", required = true, paramLabel = "TEMPLATE",
            description = "tile URL with {z}, {x} and {y} ({-y} for TMS), e.g. https://host/{z}/{x}/{y}.png")
    private String url;

    @Option(names = "--bbox", required = true, paramLabel = "W,S,E,N", split = ",",
            description = "minLon,minLat,maxLon,maxLat in degrees")
    private List<Double> bbox;

    @Option(names = "--zoom", required = true, paramLabel = "Z", description = "zoom level")
    private int zoom;

    @Option(names = "--max-tiles", paramLabel = "N", defaultValue = "10000",
            description = "refuse a box needing more tiles (default: ${DEFAULT-VALUE})")
    private long maxTiles;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "requests in flight (default: ${DEFAULT-VALUE})")
    private int concurrency;

    @Option(names = "--requests-per-second", paramLabel = "R", defaultValue = "10",
            description = "request rate; 0 for no limit (default: ${DEFAULT-VALUE})")
    private double requestsPerSecond;

    @Option(names = "--once", description = "accepted for symmetry with the other feeds: a box is always fetched once")
    private boolean once;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30s",
            description = "limit for one tile request (default: ${DEFAULT-VALUE})")
    private Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        XyzTileFeed.Settings settings;
        HrefFetcher fetcher;
        try {
            if (bbox.size() != 4) {
                throw new IllegalArgumentException("--bbox needs 4 numbers: minLon,minLat,maxLon,maxLat");
            }
            settings = new XyzTileFeed.Settings(new XyzUrlTemplate(url),
                    bbox.stream().mapToDouble(Double::doubleValue).toArray(), zoom, maxTiles, concurrency,
                    requestsPerSecond);
            fetcher = new HrefFetcher(timeout, IngestLimits.MAX_XYZ_TILE_BYTES);
            io.satstream.ingest.xyz.XyzTileRange range = io.satstream.ingest.xyz.XyzTileRange.covering(settings.bbox(), zoom);
            if (range.count() > maxTiles) {
                throw new IllegalArgumentException("the bbox needs " + range.count() + " tiles at zoom " + zoom
                        + ", more than --max-tiles " + maxTiles);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        FeedTarget target = feedOptions.target();
        PrintWriter out = spec.commandLine().getOut();
        target.ensureTopics();
        try (ExactlyOnceFeed<XyzTileFeed> session = ExactlyOnceFeed.xyz(target, workDir.ensure("ingest"), settings,
                        fetcher);
                ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            XyzTileFeed feed = session.feed();
            SceneIngestRunner.Progress last = SceneIngestSession.run("ingest-xyz", "tile(s)", feed, session.writer(),
                    progress, Duration.ofMillis(250), p -> describe(feed.stats(), p));
            // exhausted() also settles the last tile, so the stats below count it
            String reason = feed.exhausted() ? "exhausted" : "stopped";
            progress.finish(describe(feed.stats(), last) + " (" + reason + ")");
        }
        return 0;
    }

    static String describe(XyzTileFeed.Stats s, SceneIngestRunner.Progress p) {
        long done = s.ingested() + s.skipped() + s.rejected();
        int width = 20;
        int filled = (int) Math.min(width, s.total() == 0 ? width : done * width / s.total());
        return String.format(Locale.ROOT, "[%s%s] tiles %d/%d | ingested %d | skipped %d | rejected %d | committed %d",
                "#".repeat(filled), " ".repeat(width - filled), done, s.total(), s.ingested(), s.skipped(),
                s.rejected(), p.committed());
    }
}
