package io.satstream.ingest.stac;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.TileProducer;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.Scene;
import io.satstream.ingest.ledger.SceneRejection;
import io.satstream.ingest.ledger.SceneSource;
import io.satstream.ingest.ledger.SceneTiles;
import io.satstream.ingest.stac.internal.AssetSelector;
import io.satstream.ingest.stac.internal.BandNames;
import io.satstream.ingest.stac.internal.BandSelection;
import io.satstream.ingest.tiling.SceneRef;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.Tile;

/**
 * Turns STAC items into tiles: for each item (from a static catalogue walk or from API polls) it picks an
 * asset ({@link AssetChoice}), downloads it ({@link HrefFetcher}: size limit, timeout), decodes it whatever
 * its declared media type, names the bands from the catalogue ({@code eo:bands}; the TIFF's own guess
 * only for plain RGB), keeps the requested bands in the requested order, and cuts it with the {@link Tiler}:
 * scene id = item id (characters other than letters, digits, {@code . _ -} become {@code _}), acquiredAt =
 * item datetime, attributes {@code stac:item}, {@code stac:collection}, {@code stac:asset}.
 *
 * <p>Idempotent through the {@link IngestLedger}: an item whose version (its {@code updated} property, else
 * its datetime) is committed is skipped. An item that cannot be ingested (no such asset or band, bad raster,
 * a tile too big for Kafka) is logged, counted and handed out as a {@link SceneRejection} (origin: the
 * asset's href, or the item's document when no asset was chosen; original: the asset's bytes when they were
 * read), which the writer sends to the dead-letter topic and records as rejected; the feed goes on and a
 * rerun skips it. An unreachable asset may be reachable later: it is only written to the ledger as rejected
 * (no dead-letter record) and tried again on the next run. Each item becomes one {@link SceneTiles} or
 * {@link SceneRejection} for an {@link io.satstream.ingest.ledger.ExactlyOnceSceneWriter}, which sends it in
 * one transaction and writes the ledger. The item counts as finished (and a search's cursor moves past it)
 * only on the next call, once the ledger says the writer committed or rejected it; a scene handed out but
 * not recorded stops the feed, so that the next run sends it again. Not thread-safe.
 */
public final class StacItemFeed implements SceneSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StacItemFeed.class);
    /** Tiles share Kafka requests with their record framing; keep this much room for it. */
    static final long RECORD_OVERHEAD_BYTES = 64 * 1024;
    /** Prefix of rejection reasons that a later run retries (the asset may be reachable then). */
    static final String UNREACHABLE = "asset unreachable: ";
    /** Items looked at per call of {@link #nextScene()} before it yields (skips and rejections are quick). */
    private static final int ITEMS_PER_CALL = 64;

    /** Counters for a progress line; {@code tiles} counts tiles the writer took. */
    public record Stats(long seen, long ingested, long skipped, long rejected, long tiles) {}

    private final String name;
    private final ItemSource source;
    private final AssetChoice choice;
    private final HrefFetcher fetcher;
    private final RasterDecoder decoder;
    private final Tiler tiler;
    private final IngestLedger ledger;

    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong ingested = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong tilesOut = new AtomicLong();

    private Current current;

    private StacItemFeed(Builder b) {
        this.name = b.name;
        this.source = b.source;
        this.choice = b.choice;
        this.fetcher = b.fetcher;
        this.decoder = b.decoder;
        this.tiler = b.tiler;
        this.ledger = b.ledger;
    }

    /** A feed over every item of a static catalogue (walked lazily); exhausted after the last one. */
    public static Builder catalog(StacCatalogWalker walker, URI root) {
        Iterator<StacItem> items = walker.walk(root);
        return new Builder("stac", new ItemSource() {
            @Override
            public Optional<StacItem> next() {
                return items.hasNext() ? Optional.of(items.next()) : Optional.empty();
            }

            @Override
            public boolean exhausted() {
                return !items.hasNext();
            }

            @Override
            public void done(StacItem item) {
                // a static walk has no cursor: the ledger alone remembers
            }
        });
    }

    /**
     * A feed over STAC API searches: polls now, then every {@code interval} (or only once when
     * {@code once}), finishing each poll's items in datetime order and moving the poller's cursor as it goes.
     */
    public static Builder search(StacSearchPoller poller, Duration interval, boolean once) {
        return search(poller, interval, once, System::nanoTime);
    }

    static Builder search(StacSearchPoller poller, Duration interval, boolean once, LongSupplier nanoClock) {
        return new Builder("stac-api", new PollSource(poller, interval, once, nanoClock));
    }

    public String name() {
        return name;
    }

    public Stats stats() {
        return new Stats(seen.get(), ingested.get(), skipped.get(), rejected.get(), tilesOut.get());
    }

    @Override
    public Optional<Scene> nextScene() {
        finishCurrent();
        for (int i = 0; i < ITEMS_PER_CALL; i++) {
            Optional<StacItem> item = source.next();
            if (item.isEmpty()) {
                return Optional.empty();
            }
            seen.incrementAndGet();
            Scene scene = start(item.get());
            if (scene != null) {
                current = new Current(item.get(), scene);
                return Optional.of(scene);
            }
        }
        return Optional.empty();
    }

    /** Settles the scene handed out last; exhausted only once the last one is recorded. */
    @Override
    public boolean exhausted() {
        finishCurrent();
        return source.exhausted();
    }

    @Override
    public void close() {
        // A scene handed out but not yet settled stays as the ledger has it: the next run sends it again.
        current = null;
    }

    /** The item's tiles or its final rejection; null when it was skipped or its asset is unreachable now. */
    private Scene start(StacItem item) {
        String sceneId = sceneId(item.id());
        String fingerprint = fingerprint(item);
        String src = "stac:" + item.documentUri();
        if (ledger.isIngested(sceneId, fingerprint) || (ledger.isRejected(sceneId, fingerprint)
                && ledger.latest(sceneId).map(e -> e.reason() == null || !e.reason().startsWith(UNREACHABLE))
                        .orElse(false))) {
            skipped.incrementAndGet();
            source.done(item);
            return null;
        }
        AssetSelector.Result selected = AssetSelector.select(item, choice);
        if (!selected.found()) {
            return refuse(item, SceneRejection.withoutOriginal(sceneId, src, fingerprint, selected.reason(),
                    item.documentUri().toString(), "no asset was chosen; the item is at its source"));
        }
        StacAsset asset = selected.asset();
        String href = asset.href().toString();
        String declared = declaredSizeProblem(asset);
        if (declared != null) {
            return refuse(item, SceneRejection.withoutOriginal(sceneId, src, fingerprint, "asset " + asset.key() + " ("
                    + href + "): " + declared, href, "not downloaded: " + declared));
        }
        byte[] bytes;
        try {
            bytes = fetcher.get(asset.href());
        } catch (FetchException e) {
            // may work later: recorded so the feed goes on, retried by the next run, not dead-lettered
            String reason = UNREACHABLE + e.getMessage();
            LOG.warn("item {} not ingested now: {}", item.id(), reason);
            ledger.markRejected(sceneId, src, fingerprint, reason);
            rejected.incrementAndGet();
            source.done(item);
            return null;
        }
        RasterImage image;
        try {
            RasterImage decoded = decoder.decode(bytes);
            List<String> names = BandNames.resolve(item, asset, decoded);
            image = BandSelection.apply(decoded, names, choice.bands());
        } catch (RasterDecodeException | IllegalArgumentException e) {
            return refuse(item, SceneRejection.withOriginal(sceneId, src, fingerprint, "asset " + asset.key() + " ("
                    + href + "): " + e.getMessage(), href, bytes));
        }
        int size = tiler.settings().tileSize();
        long tileBytes = (long) size * size * image.bandCount() * RasterImage.bytesPerSample(image.dataType());
        if (tileBytes > TileProducer.MAX_REQUEST_BYTES - RECORD_OVERHEAD_BYTES) {
            return refuse(item, SceneRejection.withOriginal(sceneId, src, fingerprint, "a " + size + "x" + size
                    + " tile of " + image.bandCount() + " " + image.dataType() + " bands is " + tileBytes
                    + " bytes, more than a Kafka record may hold (" + (TileProducer.MAX_REQUEST_BYTES
                    - RECORD_OVERHEAD_BYTES) + "); use a smaller tile size or fewer bands", href, bytes));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("stac:item", item.id());
        if (item.collection() != null) {
            attributes.put("stac:collection", item.collection());
        }
        attributes.put("stac:asset", asset.key());
        SceneRef scene = new SceneRef(sceneId, src, item.datetime(), attributes);
        int count = tiler.windows(image.width(), image.height()).size();
        LOG.info("item {}: asset {} {}x{} {} {} -> {} tiles", item.id(), asset.key(), image.width(), image.height(),
                image.dataType(), image.bands(), count);
        return new SceneTiles(sceneId, src, fingerprint, count, counting(tiler.tiles(scene, image)));
    }

    /**
     * Why the asset's declared {@code proj:shape} rules it out before any download, or null. An asset that declares
     * more pixels than the decoder takes would be downloaded (up to the fetcher's limit) only to be refused.
     */
    private String declaredSizeProblem(StacAsset asset) {
        List<Long> shape = asset.projShape();
        if (shape.isEmpty()) {
            return null;
        }
        long rows = shape.get(0);
        long cols = shape.get(1);
        if (rows < 1 || cols < 1) {
            return "it declares proj:shape " + shape + ": a shape is two positive numbers";
        }
        long pixels;
        try {
            pixels = Math.multiplyExact(rows, cols);
        } catch (ArithmeticException e) {
            pixels = Long.MAX_VALUE;
        }
        if (pixels > decoder.maxPixels()) {
            return "it declares proj:shape " + shape + " (" + (pixels == Long.MAX_VALUE ? "past 2^63" : pixels)
                    + " pixels), more than the limit of " + decoder.maxPixels() + " pixels";
        }
        return null;
    }

    private SceneRejection refuse(StacItem item, SceneRejection rejection) {
        LOG.warn("item {} rejected: {}", item.id(), rejection.reason());
        return rejection;
    }

    private void finishCurrent() {
        if (current == null) {
            return;
        }
        Current done = current;
        current = null;
        String sceneId = done.scene.sceneId();
        if (ledger.isIngested(sceneId, done.scene.fingerprint())) {
            ingested.incrementAndGet();
        } else if (ledger.isRejected(sceneId, done.scene.fingerprint())) {
            rejected.incrementAndGet(); // refused by this feed or by the writer (e.g. a record over Kafka's limit)
        } else {
            // not committed: stop here with the cursor before the item, so that a rerun sends it
            throw new IllegalStateException("item " + done.item.id() + ": it was not committed to Kafka (tiles or"
                    + " dead-letter record) nor recorded; the next run sends it again");
        }
        source.done(done.item);
    }

    /** Counts the tiles the writer takes. */
    private Iterator<Tile> counting(Iterator<Tile> tiles) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return tiles.hasNext();
            }

            @Override
            public Tile next() {
                Tile t = tiles.next();
                tilesOut.incrementAndGet();
                return t;
            }
        };
    }

    /** The scene id for an item id: file- and key-safe. */
    public static String sceneId(String itemId) {
        return itemId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The version of an item the ledger compares: its {@code updated} time, else its datetime. */
    public static String fingerprint(StacItem item) {
        return item.property("updated").map(u -> "updated=" + u)
                .orElse("datetime=" + (item.datetime() == null ? "none" : item.datetime().toString()));
    }

    private record Current(StacItem item, Scene scene) {}

    /** Where items come from. */
    interface ItemSource {
        Optional<StacItem> next();

        boolean exhausted();

        /** The item is finished with (ingested, skipped or rejected). */
        void done(StacItem item);
    }

    /** Items from successive searches. */
    static final class PollSource implements ItemSource {
        private final StacSearchPoller poller;
        private final long intervalNanos;
        private final boolean once;
        private final LongSupplier clock;
        private final Deque<StacItem> buffer = new ArrayDeque<>();
        private boolean polled;
        private long nextPollAt;

        PollSource(StacSearchPoller poller, Duration interval, boolean once, LongSupplier clock) {
            this.poller = Objects.requireNonNull(poller, "poller");
            this.intervalNanos = interval.toNanos();
            this.once = once;
            this.clock = clock;
        }

        @Override
        public Optional<StacItem> next() {
            if (buffer.isEmpty() && !(once && polled) && (!polled || clock.getAsLong() - nextPollAt >= 0)) {
                poll();
            }
            return Optional.ofNullable(buffer.poll());
        }

        private void poll() {
            boolean first = !polled;
            polled = true;
            nextPollAt = clock.getAsLong() + intervalNanos;
            try {
                buffer.addAll(poller.poll());
            } catch (FetchException | StacFormatException e) {
                if (once || first) {
                    throw e; // nothing to fall back on: the caller reports it
                }
                LOG.warn("STAC search poll failed, trying again in {} s: {}", intervalNanos / 1_000_000_000,
                        e.getMessage());
            }
        }

        @Override
        public boolean exhausted() {
            return once && polled && buffer.isEmpty();
        }

        @Override
        public void done(StacItem item) {
            poller.advance(item.datetime());
        }
    }

    public static final class Builder {
        private final String name;
        private final ItemSource source;
        private AssetChoice choice = AssetChoice.byRole();
        private HrefFetcher fetcher;
        private RasterDecoder decoder = new RasterDecoder();
        private Tiler tiler;
        private IngestLedger ledger;

        private Builder(String name, ItemSource source) {
            this.name = name;
            this.source = source;
        }

        public Builder assets(AssetChoice choice) {
            this.choice = Objects.requireNonNull(choice, "choice");
            return this;
        }

        public Builder fetcher(HrefFetcher fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
            return this;
        }

        public Builder decoder(RasterDecoder decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        public Builder tiler(Tiler tiler) {
            this.tiler = Objects.requireNonNull(tiler, "tiler");
            return this;
        }

        public Builder ledger(IngestLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            return this;
        }

        public StacItemFeed build() {
            Objects.requireNonNull(fetcher, "fetcher");
            Objects.requireNonNull(tiler, "tiler");
            Objects.requireNonNull(ledger, "ledger");
            return new StacItemFeed(this);
        }
    }
}
