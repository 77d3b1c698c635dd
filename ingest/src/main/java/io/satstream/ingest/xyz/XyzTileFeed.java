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
 * (404, 5xx), that times out or does not decode is logged, written to the ledger as rejected, counted,
 * and the feed goes on; a later run asks again for those that failed to download. Each tile is a scene of
 * one tile for an {@link io.satstream.ingest.ledger.ExactlyOnceSceneWriter}; on the next call the feed
 * checks that the writer recorded it, as STAC scenes are, and stops if it did not.
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
    private Tile handedOut;

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
    public Optional<SceneTiles> nextScene() {
        commitHandedOut();
        while (true) {
            fill();
            Pending head = inFlight.poll();
            if (head == null) {
                return Optional.empty();
            }
            Optional<Tile> tile = complete(head);
            if (tile.isPresent()) {
                Tile t = tile.get();
                handedOut = t;
                return Optional.of(new SceneTiles(t.getSceneId(), t.getSource(), FINGERPRINT, 1,
                        List.of(t).iterator()));
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

    private Optional<Tile> complete(Pending p) {
        String id = tileId(p.address);
        byte[] bytes;
        try {
            bytes = p.bytes.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof FetchException ? cause.getMessage() : String.valueOf(cause);
            return reject(id, p.uri, UNREACHABLE + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return reject(id, p.uri, UNREACHABLE + "interrupted");
        }
        try {
            RasterImage image = decoder.decode(bytes);
            List<Double> gt = WebMercator.geoTransform(p.address, image.width(), image.height());
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("xyz:url", p.uri.toString());
            return Optional.of(Tile.newBuilder()
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
                    .build());
        } catch (RasterDecodeException | IllegalArgumentException e) {
            return reject(id, p.uri, "tile " + p.uri + " does not decode: " + e.getMessage());
        }
    }

    private Optional<Tile> reject(String id, URI uri, String reason) {
        LOG.warn("xyz tile {} rejected: {}", id, reason);
        ledger.markRejected(id, "xyz:" + uri, FINGERPRINT, reason);
        rejected.incrementAndGet();
        return Optional.empty();
    }

    private void commitHandedOut() {
        if (handedOut == null) {
            return;
        }
        Tile t = handedOut;
        handedOut = null;
        if (ledger.isIngested(t.getSceneId(), FINGERPRINT)) {
            ingested.incrementAndGet();
        } else if (ledger.isRejected(t.getSceneId(), FINGERPRINT)) {
            rejected.incrementAndGet(); // the writer refused it (a record over Kafka's limit)
        } else {
            throw new IllegalStateException("xyz tile " + t.getTileId() + " was not committed to Kafka; it was"
                    + " not recorded and the next run fetches it again");
        }
    }

    private record Pending(XyzAddress address, URI uri, Future<byte[]> bytes) {}
}
