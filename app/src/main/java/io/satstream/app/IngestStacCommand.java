package io.satstream.app;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.stac.AssetChoice;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.ingest.stac.StacCatalogWalker;
import io.satstream.ingest.stac.StacItemFeed;
import io.satstream.ingest.stac.StacSearch;
import io.satstream.ingest.stac.StacSearchPoller;
import io.satstream.ingest.tiling.Tiler;
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
 * {@code satstream ingest stac}: the items of a static STAC catalogue ({@code --catalog}, walked once) or of
 * STAC API searches ({@code --api}, polled with a datetime cursor) into the tiles topic. The ledger
 * ({@code <work-dir>/ingest/stac-ledger.jsonl}) and the search cursor live in the work dir; each item is sent
 * in one Kafka transaction ({@link ExactlyOnceSceneWriter}), so a rerun or a restart after a crash ingests
 * nothing twice.
 */
@Command(name = "stac",
        mixinStandardHelpOptions = true,
        description = {"Ingests the items of a static STAC catalogue or a STAC API search into the tiles topic.", ""})
public final class IngestStacCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            converter = BootstrapServersConverter.class, description = "Kafka to produce to")
    private String bootstrap;

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

    @Option(names = "--max-asset-mb", paramLabel = "MB", defaultValue = "512",
            description = "refuse larger assets (default: ${DEFAULT-VALUE})")
    private int maxAssetMb;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.TILES,
            description = "topic to produce to (default: ${DEFAULT-VALUE})")
    private String topic;

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
        PrintWriter out = spec.commandLine().getOut();
        SatstreamTopics.ensure(bootstrap, new SatstreamTopics.Names(topic, Topics.SEGMENTATIONS, Topics.MODEL_EVENTS,
                Topics.TILES_DLQ), 2);
        Path dir = workDir.ensure("ingest");
        Path ledgerFile = dir.resolve("stac-ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(ledgerFile);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(ExactlyOnceSceneWriter.Settings.of(
                        bootstrap, topic, IngestTransactionalIds.of("stac", ledgerFile, topic)), ledger)) {
            StacItemFeed.Builder builder = api != null
                    ? StacItemFeed.search(new StacSearchPoller(root, search, fetcher,
                            dir.resolve("stac-cursor-" + digest(root + " " + search.collections() + " " + bbox) + ".txt")),
                            poll, once)
                    : StacItemFeed.catalog(new StacCatalogWalker(fetcher), root);
            try (ConsoleProgress progress = ConsoleProgress.forConsole(out);
                    StacItemFeed feed = builder.fetcher(fetcher).tiler(new Tiler(tiling)).ledger(ledger).assets(choice)
                            .build()) {
                SceneIngestRunner.Progress last = SceneIngestSession.run("ingest-stac", "item(s)", feed, writer,
                        progress, Duration.ofMillis(250), p -> describe(feed.stats(), p));
                // exhausted() also settles the last item, so the stats below count it
                String reason = feed.exhausted() ? "exhausted" : "stopped";
                progress.finish(describe(feed.stats(), last) + " (" + reason + ")");
            }
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
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                if (!List.of("http", "https", "file").contains(scheme)) {
                    throw new ParameterException(spec.commandLine(), option + " must be an http(s): or file: URL or a"
                            + " path, got " + value);
                }
                return uri;
            }
        } catch (URISyntaxException e) {
            // not a URL: a path (e.g. with spaces)
        }
        try {
            Path path = Path.of(value).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw new ParameterException(spec.commandLine(), option + ": no such file " + path);
            }
            return path.toUri();
        } catch (InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), option + ": not a URL or path: " + value);
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
