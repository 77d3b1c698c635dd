package io.satstream.ingest.synthetic;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Optional;

import io.satstream.ingest.TileFeed;
import io.satstream.raster.WebMercator;
import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;
import io.satstream.schemas.XyzAddress;

/**
 * A live feed of {@link SyntheticSceneGenerator} scenes as labelled RGB tiles. Tiles lie on a grid of
 * Web Mercator (EPSG:3857) tiles at zoom 18 (about 0.6 m per pixel) in {@link #COLUMNS} columns, row by
 * row; with 256-px tiles each one is exactly its XYZ tile, otherwise the XYZ address is the zoom-18 tile
 * holding its top-left corner. The grid's first tile depends on the seed.
 */
public final class SyntheticFeed implements TileFeed {
    public static final String SOURCE = "synthetic";
    public static final int ZOOM = 18;
    public static final int COLUMNS = 16;
    /** Rows before the grid wraps back to the top, so that an unbounded feed stays inside the world. */
    static final int ROWS = 4096;

    private final String runId;
    private final long count;
    private final SyntheticSceneGenerator generator;
    private final Clock clock;
    private final int tileSize;
    private final double pixelSize;
    private final double originX;
    private final double originY;
    private LabelDegradation degradation;
    private long produced;
    private boolean closed;

    /** @param count tiles to produce, or -1 for an unbounded feed */
    public SyntheticFeed(String runId, long seed, int tileSize, long count) {
        this(runId, seed, tileSize, count, Clock.systemUTC());
    }

    public SyntheticFeed(String runId, long seed, int tileSize, long count, Clock clock) {
        Objects.requireNonNull(runId, "runId");
        if (runId.isBlank() || !runId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("run id must be letters, digits, '.', '_' or '-', got '" + runId + "'");
        }
        if (count < -1) {
            throw new IllegalArgumentException("count must be -1 (unbounded) or >= 0, got " + count);
        }
        this.runId = runId;
        this.count = count;
        this.generator = new SyntheticSceneGenerator(seed, tileSize);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tileSize = tileSize;
        this.pixelSize = WebMercator.tileSpan(ZOOM) / 256;
        // somewhere in central Europe's zoom-18 grid, shifted per seed so runs do not overlap
        long shift = Math.floorMod(seed, 1024L);
        XyzAddress first = XyzAddress.newBuilder().setZ(ZOOM).setX(137_000 + (int) (shift * 32)).setY(91_000).build();
        List<Double> gt = WebMercator.geoTransform(first, 256, 256);
        this.originX = gt.get(0);
        this.originY = gt.get(3);
    }

    /**
     * From now on, tiles carry degraded masks ({@code --noisy-labels}: what a land-cover product would give) instead
     * of the true ones; {@code null} goes back to true masks. Each tile's degradation is seeded by the tile's index.
     */
    public SyntheticFeed withLabelDegradation(LabelDegradation d) {
        this.degradation = d;
        return this;
    }

    @Override
    public String name() {
        return SOURCE;
    }

    @Override
    public Optional<Tile> next() {
        if (closed) {
            throw new IllegalStateException("feed " + runId + " is closed");
        }
        if (exhausted()) {
            return Optional.empty();
        }
        long n = produced++;
        return Optional.of(tile(n));
    }

    @Override
    public boolean exhausted() {
        return count >= 0 && produced >= count;
    }

    public long produced() {
        return produced;
    }

    /** The id of the n-th tile: {@code synthetic-<runId>-<n, zero-padded to 8 digits>}. */
    public String tileId(long n) {
        return String.format("synthetic-%s-%08d", runId, n);
    }

    /** The n-th tile, independent of what was produced before (the feed's state is not touched). */
    public Tile tile(long n) {
        Instant acquired = clock.instant();
        LabeledScene scene = generator.generate(n);
        String id = tileId(n);
        return Tile.newBuilder()
                .setTileId(id)
                .setSceneId(id)
                .setSource(SOURCE)
                .setAcquiredAt(acquired)
                .setIngestedAt(clock.instant())
                .setWidth(scene.width())
                .setHeight(scene.height())
                .setBands(List.of("red", "green", "blue"))
                .setDataType(DataType.UINT8)
                .setPixels(ByteBuffer.wrap(scene.rgbPlanar()))
                .setNodata(null)
                .setGeoref(georef(n))
                .setPlacement(null)
                .setLabelMask(ByteBuffer.wrap(degradation == null ? scene.labels()
                        : degradation.apply(scene.labels(), scene.width(), scene.height(),
                                new Random(generator.seed() * 31 + n))))
                .setLabelClasses(SyntheticSceneGenerator.CLASS_NAMES)
                .setAttributes(Map.of("generator", "satstream-synthetic", "seed", Long.toString(generator.seed()),
                        "index", Long.toString(n), "labels", degradation == null ? "true" : "degraded"))
                .build();
    }

    GeoReference georef(long n) {
        long column = n % COLUMNS;
        long row = (n / COLUMNS) % ROWS;
        double span = tileSize * pixelSize;
        double x0 = originX + column * span;
        double y0 = originY - row * span;
        XyzAddress xyz = WebMercator.tileContaining(x0 + pixelSize / 2, y0 - pixelSize / 2, ZOOM);
        return GeoReference.newBuilder()
                .setEpsg(WebMercator.EPSG)
                .setGeoTransform(List.of(x0, pixelSize, 0.0, y0, 0.0, -pixelSize))
                .setXyz(xyz)
                .build();
    }

    @Override
    public void close() {
        closed = true;
    }
}
