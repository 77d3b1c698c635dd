package io.satstream.ingest.stac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.Scene;
import io.satstream.ingest.ledger.SceneRejection;
import io.satstream.ingest.ledger.SceneTiles;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;
import io.satstream.schemas.Tile;
import io.satstream.testing.oracles.Gdal;

class StacItemFeedTest {
    /** Facts from planet-disaster-stac/SOURCE.md: the asset each item is tiled from, its CRS and bands. */
    private static final Map<String, Object[]> PLANET = Map.of(
            "20170831_172754_101c", new Object[] {"analytic", "20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif",
                32615, List.of("blue", "green", "red", "nir"), DataType.UINT16, 0.0},
            "2017831_195552_SS02", new Object[] {"visual", "2017831_195552_SS02/SkySat_20170831T195552Z_RGB.tif",
                32615, List.of("red", "green", "blue"), DataType.UINT8, null},
            "20170831_195425_SS02", new Object[] {"visual", "20170831_195425_SS02/SkySat_PortArthur_s02_20170831T195425Z.tif",
                32615, List.of("red", "green", "blue"), DataType.UINT8, null},
            "20170831_162740_ssc1d1", new Object[] {"visual", "20170831_162740_ssc1d1/SkySat_Freeport_s03_20170831T162740Z.tif",
                3857, List.of("red", "green", "blue"), DataType.UINT8, null},
            "Houston-East-20170831-103f-100d-0f4f-RGB", new Object[] {"mosaic",
                "Houston-East-20170831-103f-100d-0f4f-RGB/Houston-East-20170831-103f-100d-0f4f-3-band.tif",
                3857, List.of("red", "green", "blue"), DataType.UINT8, null});

    @TempDir
    Path work;

    private final HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(2), 64L << 20);
    /** The final rejections the feed handed out, by scene id. */
    private final Map<String, SceneRejection> refused = new LinkedHashMap<>();
    private final Tiler tiler = new Tiler(new TilerSettings(128, 16));

    @Test
    void planetCatalogueBecomesGeoreferencedTilesWithCatalogueBandNames() throws Exception {
        Gdal.require();
        Run run = run(AssetChoice.byRole(), TestData.planet().resolve("collection.json").toUri());

        assertThat(run.stats).isEqualTo(new StacItemFeed.Stats(5, 5, 0, 0, 5 * 9));
        assertThat(run.committed).containsOnlyKeys(PLANET.keySet()).allSatisfy((id, n) -> assertThat(n).isEqualTo(9));
        for (Map.Entry<String, Object[]> e : PLANET.entrySet()) {
            String id = e.getKey();
            Object[] fact = e.getValue();
            Path file = TestData.planetItems().resolve((String) fact[1]);
            JsonNode info = Gdal.info(file);
            double[] gt = TestData.geoTransform(info);
            assertThat(TestData.epsg(info)).as("gdalinfo agrees with SOURCE.md on %s", id).isEqualTo(fact[2]);
            List<Tile> tiles = run.tiles.stream().filter(t -> t.getSceneId().equals(id)).toList();
            assertThat(tiles).hasSize(9).extracting(Tile::getTileId).startsWith(id + "/r000c000").endsWith(id + "/r002c002");
            for (Tile t : tiles) {
                assertThat(t.getBands()).as(id).isEqualTo(fact[3]);
                assertThat(t.getDataType()).isEqualTo(fact[4]);
                assertThat(t.getNodata()).isEqualTo(fact[5]);
                assertThat(t.getGeoref().getEpsg()).as(id).isEqualTo(fact[2]);
                assertThat(t.getAttributes()).containsEntry("stac:item", id).containsEntry("stac:asset", (String) fact[0])
                        .containsEntry("stac:collection", "planet-disaster-data");
                int x = t.getPlacement().getXOffset();
                int y = t.getPlacement().getYOffset();
                List<Double> tgt = t.getGeoref().getGeoTransform();
                assertThat(tgt.get(0)).isCloseTo(gt[0] + x * gt[1] + y * gt[2], within(1e-6));
                assertThat(tgt.get(3)).isCloseTo(gt[3] + x * gt[4] + y * gt[5], within(1e-6));
                assertThat(List.of(tgt.get(1), tgt.get(2), tgt.get(4), tgt.get(5)))
                        .containsExactly(gt[1], gt[2], gt[4], gt[5]);
            }
        }
        Tile ps = run.tiles.stream().filter(t -> t.getTileId().equals("20170831_172754_101c/r000c000")).findFirst().get();
        assertThat(ps.getAcquiredAt()).isEqualTo(Instant.parse("2017-08-31T17:27:54.960530Z"));
        assertThat(ps.getSource()).startsWith("stac:file:").endsWith("20170831_172754_101c.json");
    }

    @Test
    void bandsRedGreenBlueReorderPlanetAnalyticPlanes() throws Exception {
        Run run = run(AssetChoice.byBands(List.of("red", "green", "blue")), TestData.planet().resolve("collection.json").toUri());

        assertThat(run.stats.ingested()).isEqualTo(5);
        assertThat(run.tiles).allSatisfy(t -> assertThat(t.getBands()).containsExactly("red", "green", "blue"));
        RasterImage file = new RasterDecoder().decode(Files.readAllBytes(TestData.planetItems()
                .resolve("20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif")));
        Tile tile = run.tiles.stream().filter(t -> t.getTileId().equals("20170831_172754_101c/r001c001")).findFirst().get();
        assertThat(tile.getAttributes()).containsEntry("stac:asset", "analytic");
        RasterImage img = RasterImage.fromTile(tile);
        int x0 = tile.getPlacement().getXOffset();
        int y0 = tile.getPlacement().getYOffset();
        long nonZero = 0;
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                // file band order is blue, green, red, nir: tile band 0 (red) is file band 2, band 2 (blue) file band 0
                assertThat(img.sample(0, x, y)).isEqualTo(file.sample(2, x0 + x, y0 + y));
                assertThat(img.sample(1, x, y)).isEqualTo(file.sample(1, x0 + x, y0 + y));
                assertThat(img.sample(2, x, y)).isEqualTo(file.sample(0, x0 + x, y0 + y));
                nonZero += img.sample(0, x, y) > 0 ? 1 : 0;
            }
        }
        assertThat(nonZero).as("the window holds image data, not just the no-data collar").isGreaterThan(1000);
    }

    @Test
    void secondRunSkipsEverythingTheLedgerHas() throws Exception {
        URI root = TestData.planet().resolve("collection.json").toUri();
        run(AssetChoice.byRole(), root);
        Run again = run(AssetChoice.byRole(), root);

        assertThat(again.tiles).isEmpty();
        assertThat(again.stats).isEqualTo(new StacItemFeed.Stats(5, 0, 5, 0, 0));
    }

    @Test
    void stacSpecExamplesWithRemoteAssetsAreRejectedQuicklyAndTheFeedGoesOn() throws Exception {
        Path examples = TestData.sharedData().resolve("stac-spec-examples-v1.0.0");
        long t0 = System.nanoTime();
        Run run = run(AssetChoice.byRole(), examples.resolve("collection.json").toUri());
        Run catalog = run(AssetChoice.byRole(), examples.resolve("catalog.json").toUri());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(run.stats).isEqualTo(new StacItemFeed.Stats(3, 0, 0, 3, 0));
        assertThat(catalog.stats.rejected()).isEqualTo(2);
        assertThat(catalog.stats.ingested()).isZero();
        assertThat(took).as("no hang on unreachable hosts").isLessThan(Duration.ofSeconds(30));
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"))) {
            assertThat(ledger.versions()).hasSize(5).allSatisfy(e -> {
                assertThat(e.status()).isEqualTo(IngestLedger.Status.REJECTED);
                if (e.sceneId().equals("proj-example")) {
                    // its assets B1/B8 have no roles: nothing to choose without --asset
                    assertThat(e.reason()).contains("has no asset with role data/analytic/visual (assets: B1, B8)");
                } else {
                    assertThat(e.reason()).startsWith(StacItemFeed.UNREACHABLE).containsPattern("unknown host|timed out|connect");
                }
            });
            // simple-item has only a 'visual' asset; the others an 'analytic' one with role data
            assertThat(ledger.versions()).anySatisfy(e -> assertThat(e.reason())
                    .contains("open-cogs/stac-examples/20201211_223832_CS2.tif"));
        }
    }

    @Test
    void missingAssetsBadRastersAndHttpErrorsAreRejectedWhileGoodItemsGoThrough(@TempDir Path files) throws Exception {
        byte[] good = Files.readAllBytes(TestData.planetItems()
                .resolve("20170831_195425_SS02/SkySat_PortArthur_s02_20170831T195425Z.tif"));
        Files.write(files.resolve("good.tif"), good);
        Files.write(files.resolve("cut.tif"), Arrays.copyOf(good, good.length / 3));
        try (StacApiTestServer server = new StacApiTestServer(files)) {
            Path catalog = files.resolve("catalog.json");
            List<String> links = new ArrayList<>();
            Map<String, String> assets = new LinkedHashMap<>();
            assets.put("a-404", "{\"href\":\"" + server.fileUri("nothing.tif") + "\",\"roles\":[\"data\"]}");
            assets.put("b-500", "{\"href\":\"" + server.base().resolve("status/500/x.tif") + "\",\"roles\":[\"data\"]}");
            assets.put("c-cut", "{\"href\":\"" + server.fileUri("cut.tif") + "\",\"roles\":[\"data\"]}");
            assets.put("d-good", "{\"href\":\"" + server.fileUri("good.tif") + "\",\"roles\":[\"data\"]}");
            assets.put("e-nored", "{\"href\":\"good.tif\",\"roles\":[\"data\"],\"eo:bands\":[{\"name\":\"b1\",\"common_name\":\"nir\"},"
                    + "{\"name\":\"b2\"},{\"name\":\"b3\"}]}");
            for (Map.Entry<String, String> a : assets.entrySet()) {
                Files.writeString(files.resolve(a.getKey() + ".json"), "{\"type\":\"Feature\",\"id\":\"" + a.getKey()
                        + "\",\"properties\":{\"datetime\":\"2020-01-01T00:00:00Z\"},\"assets\":{\"img\":" + a.getValue() + "}}");
                links.add("{\"rel\":\"item\",\"href\":\"" + a.getKey() + ".json\"}");
            }
            Files.writeString(files.resolve("thumbonly.json"), "{\"type\":\"Feature\",\"id\":\"thumbonly\",\"properties\":"
                    + "{\"datetime\":\"2020-01-01T00:00:00Z\"},\"assets\":{\"t\":{\"href\":\"good.tif\",\"roles\":[\"thumbnail\"]}}}");
            links.add("{\"rel\":\"item\",\"href\":\"thumbonly.json\"}");
            Files.writeString(catalog, "{\"type\":\"Catalog\",\"id\":\"c\",\"links\":[" + String.join(",", links) + "]}");

            Run run = run(AssetChoice.byBands(List.of("red", "green", "blue")), server.fileUri("catalog.json"));

            assertThat(run.committed).containsOnlyKeys("d-good");
            assertThat(run.stats).isEqualTo(new StacItemFeed.Stats(6, 1, 0, 5, 9));
            try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"))) {
                assertThat(ledger.latest("a-404").get().reason()).contains("HTTP 404");
                assertThat(ledger.latest("b-500").get().reason()).contains("HTTP 500");
                assertThat(ledger.latest("c-cut").get().reason()).contains("truncated TIFF");
                assertThat(ledger.latest("e-nored").get().reason()).contains("has bands [red, green, blue] (img: [nir, b2, b3])");
                assertThat(ledger.latest("thumbonly").get().reason()).contains("no asset with role");
            }
            // final refusals go to the writer (for the dead-letter topic) with what was read; HTTP errors do not
            assertThat(refused).containsOnlyKeys("c-cut", "e-nored", "thumbonly");
            assertThat(refused.get("c-cut").original()).isEqualTo(Files.readAllBytes(files.resolve("cut.tif")));
            assertThat(refused.get("c-cut").origin()).isEqualTo(server.fileUri("cut.tif").toString());
            // chosen by the catalogue's band names, before any download
            assertThat(refused.get("e-nored").original()).isNull();
            assertThat(refused.get("e-nored").origin()).isEqualTo(server.fileUri("e-nored.json").toString());
            assertThat(refused.get("thumbonly").original()).isNull();
            assertThat(refused.get("thumbonly").notRead()).contains("no asset was chosen");
            assertThat(refused.get("thumbonly").origin()).isEqualTo(server.fileUri("thumbonly.json").toString());
            // a rerun retries only what may have been transient (unreachable assets)
            refused.clear();
            int before = server.fileRequests.get();
            Run again = run(AssetChoice.byBands(List.of("red", "green", "blue")), server.fileUri("catalog.json"));
            assertThat(again.stats).isEqualTo(new StacItemFeed.Stats(6, 0, 4, 2, 0));
            assertThat(refused).as("nothing refused twice").isEmpty();
            // the catalogue and its 6 item documents, and of the assets only the 404 one again
            assertThat(server.fileRequests.get() - before).isEqualTo(7 + 1);
        }
    }

    @Test
    void hugeTilesAreRefusedWithAReason() throws Exception {
        Tiler huge = new Tiler(new TilerSettings(8192, 0));
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"))) {
            StacItemFeed feed = StacItemFeed.catalog(new StacCatalogWalker(fetcher), TestData.planet().resolve("collection.json").toUri())
                    .fetcher(fetcher).tiler(huge).ledger(ledger)
                    .assets(AssetChoice.byKey("analytic")).build();
            drain(feed, ledger, new ArrayList<>(), new LinkedHashMap<>());
            assertThat(feed.stats().rejected()).isEqualTo(5);
            assertThat(ledger.latest("20170831_172754_101c").get().reason())
                    .contains("8192x8192 tile of 4 UINT16 bands is 536870912 bytes");
            assertThat(ledger.latest("2017831_195552_SS02").get().reason()).contains("has no asset 'analytic'");
            assertThat(refused).hasSize(5);
            assertThat(refused.get("20170831_172754_101c").original()).isEqualTo(Files.readAllBytes(TestData
                    .planetItems().resolve("20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif")));
        }
    }

    private record Run(List<Tile> tiles, Map<String, Integer> committed, StacItemFeed.Stats stats) {}

    private Run run(AssetChoice choice, URI root) {
        List<Tile> tiles = new ArrayList<>();
        Map<String, Integer> committed = new LinkedHashMap<>();
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"));
                StacItemFeed feed = StacItemFeed.catalog(new StacCatalogWalker(fetcher), root)
                        .fetcher(fetcher).tiler(tiler).ledger(ledger).assets(choice)
                        .build()) {
            drain(feed, ledger, tiles, committed);
            return new Run(tiles, committed, feed.stats());
        }
    }

    /**
     * Takes every scene as the exactly-once writer would (all its tiles, then the ledger line; a rejection:
     * its dead-letter record, here kept in {@link #refused}, then the ledger line).
     */
    private void drain(StacItemFeed feed, IngestLedger ledger, List<Tile> out, Map<String, Integer> committed) {
        int guard = 0;
        while (!feed.exhausted()) {
            Optional<Scene> scene = feed.nextScene();
            if (scene.isPresent() && scene.get() instanceof SceneRejection r) {
                refused.put(r.sceneId(), r);
                ledger.markRejected(r.sceneId(), r.source(), r.fingerprint(), r.reason());
            } else if (scene.isPresent()) {
                SceneTiles s = (SceneTiles) scene.get();
                int n = 0;
                while (s.tiles().hasNext()) {
                    out.add(s.tiles().next());
                    n++;
                }
                assertThat(n).isEqualTo(s.tileCount());
                committed.put(s.sceneId(), n);
                ledger.markIngested(s.sceneId(), s.source(), s.fingerprint(), n);
            }
            if (++guard > 10_000) {
                throw new AssertionError("feed never ends");
            }
        }
    }
}
