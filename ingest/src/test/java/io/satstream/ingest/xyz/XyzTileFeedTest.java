package io.satstream.ingest.xyz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.Scene;
import io.satstream.ingest.ledger.SceneRejection;
import io.satstream.ingest.ledger.SceneTiles;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.raster.WebMercator;
import io.satstream.schemas.DataType;
import io.satstream.schemas.Tile;
import io.satstream.schemas.XyzAddress;

class XyzTileFeedTest {
    /** Around Bangor, Maine (the Landsat scene's area): 4 x 3 tiles at zoom 10 (x 315..318, y 367..369). */
    private static final double[] BBOX = {-69.0, 44.75, -68.0, 45.2};
    private static final int ZOOM = 10;

    @TempDir
    Path work;

    private HttpServer server;
    private final Map<String, byte[]> pngs = new ConcurrentHashMap<>();
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(3), 1 << 20);
    /** The final rejections the feed handed out. */
    private final List<SceneRejection> refused = new ArrayList<>();
    private RasterImage landsat;

    @BeforeEach
    void serveTilesCutFromARealImage() throws Exception {
        landsat = new RasterDecoder().decode(Files.readAllBytes(sharedData().resolve("rasterio-landsat-rgb/RGB.byte.tif")));
        XyzTileRange range = XyzTileRange.covering(BBOX, ZOOM);
        int i = 0;
        for (XyzAddress a : range.addresses()) {
            pngs.put("/" + a.getZ() + "/" + a.getX() + "/" + a.getY() + ".png", png(landsat, (i * 97) % 500, (i * 61) % 400));
            i++;
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            Integer status = failing.get(path);
            byte[] body = status == null ? pngs.get(path) : "failure".getBytes();
            int code = status != null ? status : body == null ? 404 : 200;
            if (body == null) {
                body = "no tile".getBytes();
            }
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void rangeCoversTheBoxAndCountsTiles() {
        XyzTileRange range = XyzTileRange.covering(BBOX, ZOOM);
        assertThat(range.count()).isEqualTo(12);
        assertThat(List.of(range.minX(), range.minY(), range.maxX(), range.maxY())).containsExactly(315, 367, 318, 369);
        // the box's corners lie inside the first and last tiles
        double[] nw = WebMercator.project(BBOX[0], BBOX[3]);
        double[] se = WebMercator.project(BBOX[2], BBOX[1]);
        XyzAddress first = WebMercator.tileContaining(nw[0], nw[1], ZOOM);
        XyzAddress last = WebMercator.tileContaining(se[0], se[1], ZOOM);
        assertThat(List.of(range.minX(), range.minY(), range.maxX(), range.maxY()))
                .containsExactly(first.getX(), first.getY(), last.getX(), last.getY());
        assertThat(XyzTileRange.covering(new double[] {-180, -90, 180, 90}, 1).count()).isEqualTo(4);
        assertThat(XyzTileRange.covering(new double[] {-180, -90, 180, 90}, 0).count()).isEqualTo(1);
        assertThatThrownBy(() -> XyzTileRange.covering(new double[] {170, 0, -170, 10}, 3))
                .hasMessageContaining("minLon<maxLon");
    }

    @Test
    void templateExpandsXyzAndTms() {
        XyzAddress a = XyzAddress.newBuilder().setZ(3).setX(2).setY(1).build();
        assertThat(new XyzUrlTemplate("http://h/{z}/{x}/{y}.png").expand(a)).isEqualTo(URI.create("http://h/3/2/1.png"));
        assertThat(new XyzUrlTemplate("http://h/{z}/{x}/{-y}.png").expand(a)).isEqualTo(URI.create("http://h/3/2/6.png"));
        assertThatThrownBy(() -> new XyzUrlTemplate("http://h/{z}/{x}.png")).hasMessageContaining("{y}");
        assertThatThrownBy(() -> new XyzUrlTemplate("ftp://h/{z}/{x}/{y}")).hasMessageContaining("http:");
    }

    @Test
    void tilesAreGeoreferencedAndFailuresAreRejectedThenRetried() throws Exception {
        XyzTileRange range = XyzTileRange.covering(BBOX, ZOOM);
        List<XyzAddress> all = range.addresses();
        String broken = path(all.get(1));
        String missing = path(all.get(4));
        failing.put(broken, 500);
        pngs.remove(missing);

        Run first = run(100);

        List<String> good = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i != 1 && i != 4) {
                good.add(XyzTileFeed.tileId(all.get(i)));
            }
        }
        assertThat(first.tiles).extracting(Tile::getTileId).containsExactlyElementsOf(good);
        assertThat(first.stats).isEqualTo(new XyzTileFeed.Stats(12, 10, 0, 2));
        assertThat(refused).as("download failures are retried later, not dead-lettered").isEmpty();
        for (Tile t : first.tiles) {
            XyzAddress a = t.getGeoref().getXyz();
            assertThat(t.getTileId()).isEqualTo("xyz/" + a.getZ() + "/" + a.getX() + "/" + a.getY());
            assertThat(t.getGeoref().getEpsg()).isEqualTo(3857);
            assertThat(t.getGeoref().getGeoTransform()).isEqualTo(WebMercator.geoTransform(a, 256, 256));
            assertThat(t.getBands()).containsExactly("red", "green", "blue");
            assertThat(t.getDataType()).isEqualTo(DataType.UINT8);
            RasterImage expected = new RasterDecoder().decode(pngs.get(path(a)));
            assertThat(RasterImage.fromTile(t).pixels()).isEqualTo(expected.pixels());
        }
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"))) {
            assertThat(ledger.latest(XyzTileFeed.tileId(all.get(1))).get().reason()).contains("HTTP 500").contains(broken);
            assertThat(ledger.latest(XyzTileFeed.tileId(all.get(4))).get().reason()).contains("HTTP 404");
        }

        // the server recovers: a rerun fetches only the two that failed
        failing.clear();
        pngs.put(missing, png(landsat, 10, 10));
        int before = requests.get();
        Run second = run(100);
        assertThat(second.tiles).extracting(Tile::getTileId)
                .containsExactly(XyzTileFeed.tileId(all.get(1)), XyzTileFeed.tileId(all.get(4)));
        assertThat(second.stats).isEqualTo(new XyzTileFeed.Stats(12, 2, 10, 0));
        assertThat(requests.get() - before).isEqualTo(2);
    }

    @Test
    void aBoxNeedingTooManyTilesIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> run(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 12 tiles at zoom 10").hasMessageContaining("limit of 5");
        assertThat(requests.get()).isZero();
    }

    @Test
    void garbageTilesAndTimeoutsAreRejectedAndTheFeedGoesOn() throws Exception {
        List<XyzAddress> all = XyzTileRange.covering(BBOX, ZOOM).addresses();
        pngs.put(path(all.get(0)), "not a png".getBytes());
        server.createContext("/slow/", ex -> {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        Run run = run(100);
        assertThat(run.stats).isEqualTo(new XyzTileFeed.Stats(12, 11, 0, 1));
        // refused for good, with what the server sent, for the dead-letter topic
        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.sceneId()).isEqualTo(XyzTileFeed.tileId(all.get(0)));
            assertThat(r.original()).isEqualTo("not a png".getBytes());
            assertThat(r.origin()).endsWith(path(all.get(0)));
            assertThat(r.reason()).contains("does not decode");
        });

        HrefFetcher quick = new HrefFetcher(Duration.ofMillis(300), 1 << 20);
        long t0 = System.nanoTime();
        try (IngestLedger ledger = IngestLedger.open(work.resolve("slow.jsonl"));
                XyzTileFeed feed = new XyzTileFeed(new XyzTileFeed.Settings(
                        new XyzUrlTemplate("http://127.0.0.1:" + server.getAddress().getPort() + "/slow/{z}/{x}/{y}"),
                        BBOX, ZOOM, 100, 6, 0), quick, new RasterDecoder(), ledger)) {
            drain(feed, ledger, new ArrayList<>(), new HashMap<>());
            assertThat(feed.stats().rejected()).isEqualTo(12);
            assertThat(ledger.versions()).allSatisfy(e -> assertThat(e.reason()).contains("timed out"));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }

    private record Run(List<Tile> tiles, XyzTileFeed.Stats stats) {}

    private Run run(long maxTiles) {
        List<Tile> tiles = new ArrayList<>();
        Map<String, Integer> committed = new HashMap<>();
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"));
                XyzTileFeed feed = new XyzTileFeed(new XyzTileFeed.Settings(
                        new XyzUrlTemplate("http://127.0.0.1:" + server.getAddress().getPort() + "/{z}/{x}/{y}.png"),
                        BBOX, ZOOM, maxTiles, 3, 200), fetcher, new RasterDecoder(), ledger)) {
            drain(feed, ledger, tiles, committed);
            assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(tiles.stream().map(Tile::getTileId).toList());
            return new Run(tiles, feed.stats());
        }
    }

    /**
     * Takes every one-tile scene as the exactly-once writer would (the tile, then the ledger line; a rejection:
     * its dead-letter record, here kept in {@link #refused}, then the ledger line).
     */
    private void drain(XyzTileFeed feed, IngestLedger ledger, List<Tile> out, Map<String, Integer> committed) {
        int guard = 0;
        while (!feed.exhausted()) {
            Optional<Scene> scene = feed.nextScene();
            if (scene.isPresent() && scene.get() instanceof SceneRejection r) {
                refused.add(r);
                ledger.markRejected(r.sceneId(), r.source(), r.fingerprint(), r.reason());
            } else if (scene.isPresent()) {
                SceneTiles s = (SceneTiles) scene.get();
                assertThat(s.tileCount()).isEqualTo(1);
                Tile t = s.tiles().next();
                assertThat(s.tiles().hasNext()).isFalse();
                assertThat(t.getSceneId()).isEqualTo(s.sceneId());
                out.add(t);
                committed.put(s.sceneId(), 1);
                ledger.markIngested(s.sceneId(), s.source(), s.fingerprint(), 1);
            }
            if (++guard > 1000) {
                throw new AssertionError("feed never ends");
            }
        }
    }

    private static String path(XyzAddress a) {
        return "/" + a.getZ() + "/" + a.getX() + "/" + a.getY() + ".png";
    }

    /** A 256x256 RGB PNG cut from the image at (x0, y0). */
    private static byte[] png(RasterImage image, int x0, int y0) throws IOException {
        BufferedImage out = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int r = (int) image.sample(0, x0 + x, y0 + y);
                int g = (int) image.sample(1, x0 + x, y0 + y);
                int b = (int) image.sample(2, x0 + x, y0 + y);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }

    private static Path sharedData() {
        for (Path p : List.of(Path.of("../../shared/data"), Path.of("../shared/data"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared/data not found beside the repository");
    }
}
