package io.satstream.ingest.xyz;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.ingest.IngestLimits;
import io.satstream.ingest.LyingImages;
import io.satstream.ingest.LyingServer;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.Scene;
import io.satstream.ingest.ledger.SceneRejection;
import io.satstream.ingest.ledger.SceneTiles;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.raster.RasterDecoder;
import io.satstream.schemas.Tile;
import io.satstream.schemas.XyzAddress;

/**
 * A real tile server that lies about sizes, read with the limit {@code ingest xyz} uses
 * ({@link IngestLimits#MAX_XYZ_TILE_BYTES}): a tile claiming 10 GB, one streaming 1 GiB without a length and a PNG
 * whose header claims 100000 x 100000 pixels are refused with the limit named, the feed never buffers past the limit,
 * and the honest tiles around them are ingested.
 */
class XyzLyingTileServerTest {
    /** 4 x 3 tiles at zoom 10. */
    private static final double[] BBOX = {-69.0, 44.75, -68.0, 45.2};
    private static final int ZOOM = 10;
    private static final long LIMIT = IngestLimits.MAX_XYZ_TILE_BYTES;

    @TempDir
    Path work;

    @Test
    void tilesThatLieAboutTheirSizeAreRefusedAndTheHonestOnesGoThrough() throws Exception {
        List<XyzAddress> all = XyzTileRange.covering(BBOX, ZOOM).addresses();
        byte[] liar = LyingImages.png(100_000, 100_000);
        List<SceneRejection> refused = new ArrayList<>();
        List<Tile> tiles = new ArrayList<>();
        try (LyingServer server = new LyingServer();
                IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"))) {
            for (XyzAddress a : all) {
                server.put(path(a), png(a.getX() + a.getY()));
            }
            server.claim(path(all.get(0)), 10_000_000_000L);
            server.stream(path(all.get(1)), 1L << 30);
            server.put(path(all.get(2)), liar);

            HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(20), LIMIT);
            try (XyzTileFeed feed = new XyzTileFeed(new XyzTileFeed.Settings(
                    new XyzUrlTemplate(server.base() + "/{z}/{x}/{y}.png"),
                    BBOX, ZOOM, 100, 3, 0), fetcher, new RasterDecoder(), ledger)) {
                drain(feed, ledger, tiles, refused);
                assertThat(feed.stats()).isEqualTo(new XyzTileFeed.Stats(12, 9, 0, 3));
            }

            assertThat(tiles).extracting(Tile::getTileId)
                    .containsExactlyElementsOf(all.subList(3, 12).stream().map(XyzTileFeed::tileId).toList());
            assertThat(ledger.latest(XyzTileFeed.tileId(all.get(0))).orElseThrow().reason()).isEqualTo(
                    "tile unreachable: response is 10000000000 bytes (Content-Length), more than the limit of "
                            + LIMIT + " bytes; none of it was read: " + server.uri(path(all.get(0))));
            assertThat(ledger.latest(XyzTileFeed.tileId(all.get(1))).orElseThrow().reason()).isEqualTo(
                    "tile unreachable: response is more than the limit of " + LIMIT + " bytes; stopped reading there: "
                            + server.uri(path(all.get(1))));
            // the client hung up: the server could not push the 10 GB, nor much past the limit of the 1 GiB
            assertThat(server.writtenWhenEnded(path(all.get(0)), 10)).isNotNegative().isLessThan(16L << 20);
            assertThat(server.writtenWhenEnded(path(all.get(1)), 10)).isNotNegative().isLessThan(LIMIT + (16L << 20));

            // the PNG downloads (it is 100 bytes) but is refused from its header, for good, with what was sent
            assertThat(refused).singleElement().satisfies(r -> {
                assertThat(r.sceneId()).isEqualTo(XyzTileFeed.tileId(all.get(2)));
                assertThat(r.reason()).isEqualTo("tile " + server.uri(path(all.get(2))) + " does not decode: image"
                        + " claims 100000x100000 pixels, more than the limit of " + RasterDecoder.DEFAULT_MAX_PIXELS);
                assertThat(r.original()).isEqualTo(liar);
            });
        }
    }

    private static void drain(XyzTileFeed feed, IngestLedger ledger, List<Tile> out, List<SceneRejection> refused) {
        for (int guard = 0; !feed.exhausted(); guard++) {
            Optional<Scene> scene = feed.nextScene();
            if (scene.isPresent() && scene.get() instanceof SceneRejection r) {
                refused.add(r);
                ledger.markRejected(r.sceneId(), r.source(), r.fingerprint(), r.reason());
            } else if (scene.isPresent()) {
                SceneTiles s = (SceneTiles) scene.get();
                out.add(s.tiles().next());
                ledger.markIngested(s.sceneId(), s.source(), s.fingerprint(), 1);
            }
            assertThat(guard).as("feed never ends").isLessThan(1000);
        }
    }

    private static String path(XyzAddress a) {
        return "/" + a.getZ() + "/" + a.getX() + "/" + a.getY() + ".png";
    }

    private static byte[] png(int seed) throws Exception {
        BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                img.setRGB(x, y, ((x + seed) & 0xFF) << 16 | (y & 0xFF) << 8 | (seed * 37 & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
