package io.satstream.app;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.stac.AssetChoice;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.ingest.stac.StacItemFeed;
import io.satstream.ingest.stac.StacSearch;
import io.satstream.ingest.tiling.TilerSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream ingest stac}: the items of a static STAC catalogue ({@code --catalog}, walked once) or of
 * STAC API searches ({@code --api}, polled with a datetime cursor) into the tiles topic. The ledger
 * ({@code <work-dir>/ingest/stac-ledger.jsonl}) and the search cursor live in the work dir; each item is sent
 * in one Kafka transaction ({@link io.satstream.ingest.ledger.ExactlyOnceSceneWriter}), so a rerun or a
 * restart after a crash ingests nothing twice. Items refused for good (no usable asset or band, a bad raster)
 * go once to the dead-letter topic; unreachable assets are tried again by the next run.
 */
@Command(name = "stac",
        mixinStandardHelpOptions = true,
        description = {"Ingests the items of a static STAC catalogue or a STAC API search into the tiles topic.", ""})
public final class IngestStacCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Mixin
    private FeedOptions feedOptions;

    @Option(names = "--catalog", paramLabel = "URL|PATH", description = "a static catalogue, collection or item to walk")
    private String catalog;

    @Option(names = "--api", paramLabel = "URL", description = "a STAC API (its landing page or /search) to poll")
    private String api;

    @Option(names = "--collections", paramLabel = "ID[,ID...]", split = ",", description = "search only these collections")
    private List<String> collections = List.of();

    @Option(names = "--bbox", paramLabel = "W,S,E,N", split = ",", description = "search only this lon/lat box")
    private List<Double> bbox;

    @Option(names = "--poll", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
            description = "time between searches (default: ${DEFAULT-VALUE})")
    private Duration poll;

    @Option(names = "--method", paramLabel = "POST|GET", defaultValue = "POST",
            description = "how /search is called (default: ${DEFAULT-VALUE})")
    private StacSearch.Method method;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "page size (default: ${DEFAULT-VALUE})")
    private int limit;

    @Option(names = "--once", description = "one search (all pages), then exit; a catalogue is always walked once")
    private boolean once;

    @Option(names = "--asset", paramLabel = "KEY", description = "tile this asset (default: by role data, analytic, visual)")
    private String asset;

    @Option(names = "--bands", paramLabel = "NAME[,NAME...]", split = ",",
            description = "keep these bands in this order, by eo:bands common name (e.g. red,green,blue)")
    private List<String> bands = List.of();

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "256", description = "tile side (default: ${DEFAULT-VALUE})")
    private int tileSize;

    @Option(names = "--overlap", paramLabel = "PX", defaultValue = "32",
            description = "pixels shared by neighbouring tiles (default: ${DEFAULT-VALUE})")
    private int overlap;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30s",
            description = "limit for one download (default: ${DEFAULT-VALUE})")
    private Duration timeout;

    // 512 = IngestLimits.MAX_ASSET_BYTES in MiB (an annotation takes only a literal)
    @Option(names = "--max-asset-mb", paramLabel = "MB", defaultValue = "512",
            description = "refuse larger assets (default: ${DEFAULT-VALUE})")
    private int maxAssetMb;

    @Override
    public Integer call() throws InterruptedException {
        if ((catalog == null) == (api == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --catalog and --api");
        }
        if (catalog != null && (!collections.isEmpty() || bbox != null)) {
            throw new ParameterException(spec.commandLine(), "--collections and --bbox apply to --api searches only");
        }
        TilerSettings tiling;
        AssetChoice choice;
        HrefFetcher fetcher;
        StacSearch search = null;
        try {
            tiling = new TilerSettings(tileSize, overlap);
            choice = new AssetChoice(asset, bands, AssetChoice.DEFAULT_ROLES);
            if (maxAssetMb < 1 || maxAssetMb > 2000) {
                throw new IllegalArgumentException("--max-asset-mb must be 1..2000, got " + maxAssetMb);
            }
            fetcher = new HrefFetcher(timeout, (long) maxAssetMb << 20);
            if (api != null) {
                if (poll.isZero() || poll.isNegative()) {
                    throw new IllegalArgumentException("--poll must be positive");
                }
                search = new StacSearch(collections, bbox == null ? null : bbox.stream().mapToDouble(d -> d).toArray(),
                        limit, method);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        URI root = api != null ? location(api, "--api") : location(catalog, "--catalog");
        FeedTarget target = feedOptions.target();
        PrintWriter out = spec.commandLine().getOut();
        target.ensureTopics();
        StacFeedSpec feedSpec = new StacFeedSpec(root, search, poll, once, choice, fetcher, tiling);
        try (ExactlyOnceFeed<StacItemFeed> session = ExactlyOnceFeed.stac(target, workDir.ensure("ingest"), feedSpec);
                ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            StacItemFeed feed = session.feed();
            SceneIngestRunner.Progress last = SceneIngestSession.run("ingest-stac", "item(s)", feed, session.writer(),
                    progress, Duration.ofMillis(250), p -> describe(feed.stats(), p));
            // exhausted() also settles the last item, so the stats below count it
            String reason = feed.exhausted() ? "exhausted" : "stopped";
            progress.finish(describe(feed.stats(), last) + " (" + reason + ")");
            return 0;
        }
    }

    static String describe(StacItemFeed.Stats s, SceneIngestRunner.Progress p) {
        return String.format(Locale.ROOT, "items %d | ingested %d | skipped %d | rejected %d | tiles %d",
                s.seen(), s.ingested(), s.skipped(), s.rejected(), p.tiles());
    }

    /** A URL as given, or a local path made into a file: URL. */
    private URI location(String value, String option) {
        try {
            return StacFeedSpec.location(value, option);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
