package io.satstream.ingest.xyz;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.RateLimiter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.Scene;
import io.satstream.ingest.ledger.SceneRejection;
import io.satstream.ingest.ledger.SceneSource;
import io.satstream.ingest.ledger.SceneTiles;
import io.satstream.ingest.stac.FetchException;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.raster.WebMercator;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;
import io.satstream.schemas.XyzAddress;

/**
 * Fetches the XYZ tiles covering a lon/lat box at one zoom from a tile server and emits one {@link Tile}
 * per XYZ tile: id (and scene id) {@code xyz/<z>/<x>/<y>}, georef EPSG:3857 with the tile's geotransform
 * and its {@link XyzAddress}; no placement, since an XYZ tile is not cut from a larger scene. Up to
 * {@code concurrency} requests run at once, started no faster than {@code requestsPerSecond}; tiles come
 * out in row-major order. A box that needs more than {@code maxTiles} tiles is refused up front.
 *
 * <p>Tiles the {@link IngestLedger} has are not fetched again. A tile the server answers with an error
 * (404, 5xx) or that times out is logged, written to the ledger as rejected, counted, and asked for again
 * by a later run; one that downloads but does not decode is refused for good: handed out as a
 * {@link SceneRejection} (origin: its URL; original: the downloaded bytes), which the writer sends to the
 * dead-letter topic. Each tile is a scene of one tile for an
 * {@link io.satstream.ingest.ledger.ExactlyOnceSceneWriter}; on the next call the feed checks that the writer
 * recorded it, as STAC scenes are, and stops if it did not.
 */
public final class XyzTileFeed implements SceneSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XyzTileFeed.class);
    static final String UNREACHABLE = "tile unreachable: ";
    private static final String FINGERPRINT = "xyz";

    /** Counters for a progress line. */
    public record Stats(long total, long ingested, long skipped, long rejected) {}

    /**
     * @param maxTiles refuse a box that needs more tiles than this
     * @param concurrency requests in flight at once
     * @param requestsPerSecond request starts per second; 0 or less for no limit
     */
    public record Settings(XyzUrlTemplate url, double[] bbox, int zoom, long maxTiles, int concurrency,
            double requestsPerSecond) {
        public Settings {
            Objects.requireNonNull(url, "url");
            bbox = bbox.clone();
            if (maxTiles < 1) {
                throw new IllegalArgumentException("maxTiles must be >= 1, got " + maxTiles);
            }
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("concurrency must be 1..64, got " + concurrency);
            }
        }
    }

    private final Settings settings;
    private final XyzTileRange range;
    private final HrefFetcher fetcher;
    private final RasterDecoder decoder;
    private final IngestLedger ledger;
    private final RateLimiter limiter;
    private final ExecutorService pool;
    private final Iterator<XyzAddress> addresses;
    private final Deque<Pending> inFlight = new ArrayDeque<>();
    private final AtomicLong ingested = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private Scene handedOut;

    /** @throws IllegalArgumentException (one line) for a bad box or zoom, or one that needs more than maxTiles */
    public XyzTileFeed(Settings settings, HrefFetcher fetcher, RasterDecoder decoder, IngestLedger ledger) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.range = XyzTileRange.covering(settings.bbox(), settings.zoom());
        if (range.count() > settings.maxTiles()) {
            throw new IllegalArgumentException("the bbox needs " + range.count() + " tiles at zoom " + settings.zoom()
                    + " (x " + range.minX() + ".." + range.maxX() + ", y " + range.minY() + ".." + range.maxY()
                    + "), more than the limit of " + settings.maxTiles() + "; use a smaller bbox, a lower zoom or"
                    + " a higher --max-tiles");
        }
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.limiter = new RateLimiter(settings.requestsPerSecond());
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "xyz-fetch-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.addresses = range.addresses().iterator();
    }

    public XyzTileRange range() {
        return range;
    }

    public String name() {
        return "xyz";
    }

    public Stats stats() {
        return new Stats(range.count(), ingested.get(), skipped.get(), rejected.get());
    }

    public static String tileId(XyzAddress a) {
        return "xyz/" + a.getZ() + "/" + a.getX() + "/" + a.getY();
    }

    @Override
    public Optional<Scene> nextScene() {
        commitHandedOut();
        while (true) {
            fill();
            Pending head = inFlight.poll();
            if (head == null) {
                return Optional.empty();
            }
            Optional<Scene> scene = complete(head);
            if (scene.isPresent()) {
                handedOut = scene.get();
                return scene;
            }
        }
    }

    @Override
    public boolean exhausted() {
        if (handedOut != null) {
            commitHandedOut();
        }
        fill();
        return inFlight.isEmpty();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        inFlight.clear();
    }

    /** Starts requests until the window is full, skipping tiles the ledger has. */
    private void fill() {
        while (inFlight.size() < 2 * settings.concurrency() && addresses.hasNext()) {
            XyzAddress a = addresses.next();
            String id = tileId(a);
            if (ledger.isIngested(id, FINGERPRINT) || (ledger.isRejected(id, FINGERPRINT) && ledger.latest(id)
                    .map(e -> e.reason() == null || !e.reason().startsWith(UNREACHABLE)).orElse(false))) {
                skipped.incrementAndGet();
                continue;
            }
            URI uri = settings.url().expand(a);
            inFlight.add(new Pending(a, uri, pool.submit(() -> {
                limiter.acquire();
                return fetcher.get(uri);
            })));
        }
    }

    /** The tile as a one-tile scene, its rejection, or empty when it could not be downloaded now. */
    private Optional<Scene> complete(Pending p) {
        String id = tileId(p.address);
        byte[] bytes;
        try {
            bytes = p.bytes.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof FetchException ? cause.getMessage() : String.valueOf(cause);
            return unreachable(id, p.uri, UNREACHABLE + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(id, p.uri, UNREACHABLE + "interrupted");
        }
        Tile tile;
        try {
            RasterImage image = decoder.decode(bytes);
            List<Double> gt = WebMercator.geoTransform(p.address, image.width(), image.height());
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("xyz:url", p.uri.toString());
            tile = Tile.newBuilder()
                    .setTileId(id)
                    .setSceneId(id)
                    .setSource("xyz:" + p.uri)
                    .setAcquiredAt(null)
                    .setIngestedAt(Instant.now())
                    .setWidth(image.width())
                    .setHeight(image.height())
                    .setBands(List.copyOf(image.bands()))
                    .setDataType(image.dataType())
                    .setPixels(ByteBuffer.wrap(image.pixels()))
                    .setNodata(image.nodata())
                    .setGeoref(GeoReference.newBuilder().setEpsg(WebMercator.EPSG).setGeoTransform(gt)
                            .setXyz(p.address).build())
                    .setPlacement(null)
                    .setLabelMask(null)
                    .setAttributes(attributes)
                    .build();
        } catch (RasterDecodeException | IllegalArgumentException e) {
            String reason = "tile " + p.uri + " does not decode: " + e.getMessage();
            LOG.warn("xyz tile {} rejected: {}", id, reason);
            return Optional.of(SceneRejection.withOriginal(id, "xyz:" + p.uri, FINGERPRINT, reason, p.uri.toString(),
                    bytes));
        }
        return Optional.of(new SceneTiles(id, tile.getSource(), FINGERPRINT, 1, List.of(tile).iterator()));
    }

    /** A download failure a later run retries: recorded so this run goes on, not dead-lettered. */
    private Optional<Scene> unreachable(String id, URI uri, String reason) {
        LOG.warn("xyz tile {} not ingested now: {}", id, reason);
        ledger.markRejected(id, "xyz:" + uri, FINGERPRINT, reason);
        rejected.incrementAndGet();
        return Optional.empty();
    }

    private void commitHandedOut() {
        if (handedOut == null) {
            return;
        }
        Scene s = handedOut;
        handedOut = null;
        if (ledger.isIngested(s.sceneId(), FINGERPRINT)) {
            ingested.incrementAndGet();
        } else if (ledger.isRejected(s.sceneId(), FINGERPRINT)) {
            rejected.incrementAndGet(); // refused: it does not decode, or its record is over Kafka's limit
        } else {
            throw new IllegalStateException("xyz tile " + s.sceneId() + " was not committed to Kafka (tile or"
                    + " dead-letter record) nor recorded; the next run fetches it again");
        }
    }

    private record Pending(XyzAddress address, URI uri, Future<byte[]> bytes) {}
}
