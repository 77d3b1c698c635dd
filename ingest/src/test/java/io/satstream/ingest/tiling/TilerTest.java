package io.satstream.ingest.tiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.raster.MaskGeoTiff;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.raster.ValidPixels;
import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;
import io.satstream.schemas.TilePlacement;
import io.satstream.schemas.XyzAddress;
import io.satstream.testing.oracles.Gdal;

class TilerTest {
    private static final SceneRef SCENE = new SceneRef("scene-a", "test", Instant.parse("2024-05-01T10:00:00Z"),
            Map.of("k", "v"));

    @ParameterizedTest
    @CsvSource({"791,718,256,32", "256,256,256,32", "257,255,256,32", "16,16,16,0", "1000,37,64,16", "480,480,256,32",
        "5,3,64,8", "2048,1,128,63"})
    void windowsCoverEveryPixelOnARegularGridWithExactOverlap(int w, int h, int size, int overlap) {
        Tiler tiler = new Tiler(new TilerSettings(size, overlap));
        List<TileWindow> windows = tiler.windows(w, h);
        int[] cover = new int[w * h];
        int rows = tiler.count(h);
        int cols = tiler.count(w);
        assertThat(windows).hasSize(rows * cols);
        for (int i = 0; i < windows.size(); i++) {
            TileWindow win = windows.get(i);
            assertThat(win.row()).isEqualTo(i / cols); // row-major
            assertThat(win.col()).isEqualTo(i % cols);
            assertThat(win.xOffset()).isEqualTo(win.col() * (size - overlap));
            assertThat(win.yOffset()).isEqualTo(win.row() * (size - overlap));
            assertThat(win.width()).isEqualTo(size);
            assertThat(win.height()).isEqualTo(size);
            assertThat(win.validWidth()).isEqualTo(Math.min(size, w - win.xOffset()));
            assertThat(win.validHeight()).isEqualTo(Math.min(size, h - win.yOffset()));
            for (int y = win.yOffset(); y < win.yOffset() + win.validHeight(); y++) {
                for (int x = win.xOffset(); x < win.xOffset() + win.validWidth(); x++) {
                    cover[y * w + x]++;
                }
            }
        }
        assertThat(Arrays.stream(cover).min().getAsInt()).as("every pixel covered").isGreaterThanOrEqualTo(1);
        assertThat(Arrays.stream(cover).max().getAsInt()).as("overlap < tile/2: at most 2 tiles per axis")
                .isLessThanOrEqualTo(4);
        // minimal: one column (row) fewer would leave the last pixels uncovered
        if (cols > 1) {
            assertThat((cols - 2) * (size - overlap) + size).isLessThan(w);
        }
        if (rows > 1) {
            assertThat((rows - 2) * (size - overlap) + size).isLessThan(h);
        }
        // neighbours share exactly `overlap` columns where both are full tiles inside the scene
        for (TileWindow a : windows) {
            for (TileWindow b : windows) {
                if (a.row() == b.row() && b.col() == a.col() + 1) {
                    assertThat(a.xOffset() + a.width() - b.xOffset()).isEqualTo(overlap);
                }
            }
        }
    }

    @Test
    void tileIdsAreDeterministicAndZeroPadded() {
        Tiler tiler = new Tiler(new TilerSettings(64, 8));
        RasterImage image = randomImage(200, 130, 2, DataType.UINT8, null, null, 1);
        List<String> first = ids(tiler.tiles(SCENE, image));
        List<String> second = ids(new Tiler(new TilerSettings(64, 8)).tiles(SCENE, image));
        assertThat(first).isEqualTo(second).doesNotHaveDuplicates().hasSize(3 * 4)
                .startsWith("scene-a/r000c000", "scene-a/r000c001").endsWith("scene-a/r002c003");
        assertThat(Tiler.tileId("x", 12, 1234)).isEqualTo("x/r012c1234");
    }

    @Test
    void reassemblingTheTilesGivesBackTheScenePixelsExactly() {
        for (DataType type : DataType.values()) {
            RasterImage image = randomImage(301, 203, 3, type, null, null, 7);
            Tiler tiler = new Tiler(new TilerSettings(64, 12));
            int bps = RasterImage.bytesPerSample(type);
            byte[] canvas = new byte[image.pixels().length];
            byte[] written = new byte[image.pixelCount()];
            Iterator<Tile> tiles = tiler.tiles(SCENE, image);
            int count = 0;
            while (tiles.hasNext()) {
                Tile t = tiles.next();
                count++;
                TilePlacement p = t.getPlacement();
                byte[] px = bytes(t.getPixels());
                assertThat(px).hasSize(64 * 64 * 3 * bps);
                for (int b = 0; b < 3; b++) {
                    for (int y = 0; y < 64 && p.getYOffset() + y < 203; y++) {
                        for (int x = 0; x < 64 && p.getXOffset() + x < 301; x++) {
                            int sceneIndex = (p.getYOffset() + y) * 301 + p.getXOffset() + x;
                            int src = ((b * 64 + y) * 64 + x) * bps;
                            int dst = (b * image.pixelCount() + sceneIndex) * bps;
                            if (written[sceneIndex] != 0 && b == 0) {
                                // an overlap pixel: both tiles must hold the same sample
                                assertThat(Arrays.copyOfRange(px, src, src + bps))
                                        .isEqualTo(Arrays.copyOfRange(canvas, dst, dst + bps));
                            }
                            System.arraycopy(px, src, canvas, dst, bps);
                            if (b == 2) {
                                written[sceneIndex] = 1;
                            }
                        }
                    }
                }
            }
            assertThat(count).isEqualTo(tiler.count(301) * tiler.count(203));
            assertThat(canvas).as(type.toString()).isEqualTo(image.pixels());
        }
    }

    @Test
    void paddingUsesTheSceneNodataOrZeroWithoutDeclaringNodata() {
        Tiler tiler = new Tiler(new TilerSettings(32, 4));
        // uint8 with nodata 7
        RasterImage u8 = randomImage(40, 30, 1, DataType.UINT8, 7.0, null, 3);
        Tile last = lastTile(tiler.tiles(SCENE, u8));
        assertThat(last.getNodata()).isEqualTo(7.0);
        TilePlacement p = last.getPlacement();
        assertThat(p.getXOffset()).isEqualTo(28);
        int validW = 40 - 28;
        RasterImage t = RasterImage.fromTile(last);
        assertThat(t.sample(0, validW, 0)).isEqualTo(7.0);
        assertThat(t.sample(0, 31, 31)).isEqualTo(7.0);
        assertThat(t.sample(0, validW - 1, 29)).isEqualTo(u8.sample(0, 39, 29));
        assertThat(last.getAttributes()).containsEntry(Tiler.VALID_WIDTH, "12").containsEntry(Tiler.VALID_HEIGHT,
                "30").containsEntry("k", "v");
        // uint16 without nodata: zero padding, nodata stays null
        RasterImage u16 = randomImage(40, 30, 2, DataType.UINT16, null, null, 4);
        Tile last16 = lastTile(tiler.tiles(SCENE, u16));
        assertThat(last16.getNodata()).isNull();
        RasterImage t16 = RasterImage.fromTile(last16);
        assertThat(t16.sample(1, 31, 31)).isZero();
        // float32 with NaN nodata, uint16 with 65535
        Tile f = lastTile(tiler.tiles(SCENE, randomImage(40, 30, 1, DataType.FLOAT32, Double.NaN, null, 5)));
        assertThat(RasterImage.fromTile(f).sample(0, 31, 31)).isNaN();
        Tile m = lastTile(tiler.tiles(SCENE, randomImage(40, 30, 1, DataType.UINT16, 65535.0, null, 6)));
        assertThat(RasterImage.fromTile(m).sample(0, 31, 31)).isEqualTo(65535.0);
    }

    @Test
    void anInternalMaskIsCutWithItsTileAndPaddingIsNoData() {
        Tiler tiler = new Tiler(new TilerSettings(32, 4));
        RasterImage plain = randomImage(40, 30, 2, DataType.UINT8, null, null, 11);
        byte[] mask = new byte[40 * 30];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) ((i * 7919) % 5 == 0 ? 0 : 1);
        }
        RasterImage masked = plain.withValidMask(mask);
        List<Tile> tiles = new ArrayList<>();
        tiler.tiles(SCENE, masked).forEachRemaining(tiles::add);
        for (Tile t : tiles) {
            TilePlacement p = t.getPlacement();
            byte[] tileMask = bytes(t.getValidMask());
            byte[] valid = ValidPixels.of(t);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int sx = p.getXOffset() + x;
                    int sy = p.getYOffset() + y;
                    boolean inside = sx < 40 && sy < 30;
                    byte expected = inside ? mask[sy * 40 + sx] : 0;
                    assertThat(tileMask[y * 32 + x]).as("%s at %d,%d", t.getTileId(), x, y).isEqualTo(expected);
                    assertThat(valid[y * 32 + x]).isEqualTo(expected);
                }
            }
        }
        // without an internal mask the tile carries none; its padding is still no data through the placement
        Tile last = lastTile(tiler.tiles(SCENE, plain));
        assertThat(last.getValidMask()).isNull();
        byte[] valid = ValidPixels.of(last);
        assertThat(valid[0]).isEqualTo((byte) 1);
        assertThat(valid[12]).as("first padded column (scene is 40 wide, tile starts at 28)").isZero();
        assertThat(ValidPixels.count(valid, 32 * 32)).isEqualTo(12 * 30);
    }

    @Test
    void aSceneSmallerThanOneTileIsOnePaddedTile() {
        Tiler tiler = new Tiler(new TilerSettings(256, 32));
        RasterImage small = randomImage(100, 50, 3, DataType.UINT8, 0.0, null, 8);
        List<Tile> tiles = new ArrayList<>();
        tiler.tiles(SCENE, small).forEachRemaining(tiles::add);
        assertThat(tiles).singleElement().satisfies(t -> {
            assertThat(t.getTileId()).isEqualTo("scene-a/r000c000");
            assertThat(t.getWidth()).isEqualTo(256);
            assertThat(t.getPlacement().getSceneWidth()).isEqualTo(100);
            assertThat(t.getPlacement().getSceneHeight()).isEqualTo(50);
            assertThat(t.getPlacement().getOverlap()).isEqualTo(32);
            assertThat(t.getGeoref()).isNull();
            assertThat(t.getSource()).isEqualTo("test");
            assertThat(t.getAcquiredAt()).isEqualTo(SCENE.acquiredAt());
            assertThat(t.getBands()).containsExactly("b1", "b2", "b3");
        });
    }

    @Test
    void geotransformIsShiftedExactlyToEachWindowWithRotationKept() {
        List<Double> gt = List.of(500000.25, 0.5, 0.125, 4100000.75, -0.0625, -0.5);
        GeoReference georef = GeoReference.newBuilder().setEpsg(32633).setGeoTransform(gt).setXyz(null).build();
        RasterImage image = randomImage(300, 200, 1, DataType.UINT8, null, georef, 9);
        Tiler tiler = new Tiler(new TilerSettings(128, 16));
        Iterator<Tile> tiles = tiler.tiles(SCENE, image);
        while (tiles.hasNext()) {
            Tile t = tiles.next();
            int xo = t.getPlacement().getXOffset();
            int yo = t.getPlacement().getYOffset();
            List<Double> g = t.getGeoref().getGeoTransform();
            assertThat(t.getGeoref().getEpsg()).isEqualTo(32633);
            assertThat(g.get(0)).isEqualTo(gt.get(0) + xo * gt.get(1) + yo * gt.get(2));
            assertThat(g.get(3)).isEqualTo(gt.get(3) + xo * gt.get(4) + yo * gt.get(5));
            assertThat(List.of(g.get(1), g.get(2), g.get(4), g.get(5)))
                    .containsExactly(gt.get(1), gt.get(2), gt.get(4), gt.get(5));
            // tile pixel (i, j) lies where scene pixel (xo + i, yo + j) lies
            for (int[] ij : new int[][] {{0, 0}, {17, 91}, {127, 127}}) {
                double sx = gt.get(0) + (xo + ij[0]) * gt.get(1) + (yo + ij[1]) * gt.get(2);
                double tx = g.get(0) + ij[0] * g.get(1) + ij[1] * g.get(2);
                double sy = gt.get(3) + (xo + ij[0]) * gt.get(4) + (yo + ij[1]) * gt.get(5);
                double ty = g.get(3) + ij[0] * g.get(4) + ij[1] * g.get(5);
                assertThat(tx).isCloseTo(sx, org.assertj.core.data.Offset.offset(1e-6));
                assertThat(ty).isCloseTo(sy, org.assertj.core.data.Offset.offset(1e-6));
            }
            if (xo == 0 && yo == 0) {
                assertThat(g).isEqualTo(gt); // bit-exact at the origin
            }
        }
    }

    @Test
    void anXyzOnlySceneGetsItsWebMercatorTransformAndTilesDropTheAddress() {
        XyzAddress xyz = XyzAddress.newBuilder().setZ(18).setX(137000).setY(91000).build();
        GeoReference georef = GeoReference.newBuilder().setEpsg(null).setGeoTransform(null).setXyz(xyz).build();
        Tiler whole = new Tiler(new TilerSettings(256, 0));
        Tile single = lastTile(whole.tiles(SCENE, randomImage(256, 256, 3, DataType.UINT8, null, georef, 2)));
        assertThat(single.getGeoref().getXyz()).isEqualTo(xyz);
        assertThat(single.getGeoref().getEpsg()).isEqualTo(3857);
        Tiler quarter = new Tiler(new TilerSettings(128, 0));
        Tile last = lastTile(quarter.tiles(SCENE, randomImage(256, 256, 3, DataType.UINT8, null, georef, 2)));
        assertThat(last.getGeoref().getXyz()).isNull();
        List<Double> g = last.getGeoref().getGeoTransform();
        assertThat(g.get(0)).isEqualTo(single.getGeoref().getGeoTransform().get(0)
                + 128 * single.getGeoref().getGeoTransform().get(1));
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new TilerSettings(15, 0)).hasMessageContaining("tile size");
        assertThatThrownBy(() -> new TilerSettings(64, 32)).hasMessageContaining("overlap");
        assertThatThrownBy(() -> new TilerSettings(64, -1)).hasMessageContaining("overlap");
        assertThat(new TilerSettings(64, 31).stride()).isEqualTo(33);
        assertThatThrownBy(() -> new Tiler(new TilerSettings(64, 0)).windows(0, 10)).hasMessageContaining("positive");
    }

    /** RGB.byte.tif (791x718, EPSG:32618, nodata 0): tiles placed right, checked with gdalinfo. */
    @Test
    void realGeoTiffTilesCarryTheirOwnGeotransform(@TempDir Path tmp) throws Exception {
        Gdal.require();
        RasterImage scene = new RasterDecoder().decode(
                Files.readAllBytes(TestData.file("rasterio-landsat-rgb/RGB.byte.tif")));
        assertThat(scene.width()).isEqualTo(791);
        assertThat(scene.georef().getEpsg()).isEqualTo(32618);
        Tiler tiler = new Tiler(new TilerSettings(256, 32));
        List<Tile> tiles = new ArrayList<>();
        tiler.tiles(new SceneRef("RGB.byte", "files:RGB.byte.tif", null, Map.of()), scene).forEachRemaining(tiles::add);
        assertThat(tiles).hasSize(16);
        Tile tile = tiles.stream().filter(t -> t.getTileId().equals("RGB.byte/r001c002")).findFirst().orElseThrow();
        assertThat(tile.getNodata()).isEqualTo(0.0);
        assertThat(tile.getBands()).containsExactly("red", "green", "blue");
        RasterImage t = RasterImage.fromTile(tile);
        assertThat(t.sample(2, 100, 50)).isEqualTo(scene.sample(2, 448 + 100, 224 + 50));
        // band 1 of the tile as a GeoTIFF, read back by GDAL
        byte[] red = Arrays.copyOf(t.pixels(), 256 * 256);
        Path out = tmp.resolve("tile.tif");
        Files.write(out, MaskGeoTiff.encode(red, 256, 256, tile.getGeoref(), 0.0));
        JsonNode info = Gdal.info(out);
        double[] expected = {101985.0 + 448 * 300.0379266750948, 300.0379266750948, 0, 2826915.0 - 224 * 300.041782729805,
            0, -300.041782729805};
        for (int i = 0; i < 6; i++) {
            assertThat(info.get("geoTransform").get(i).asDouble()).as("gt[" + i + "]")
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(info.at("/coordinateSystem/wkt").asText()).contains("ID[\"EPSG\",32618]");
        assertThat(info.at("/size/0").asInt()).isEqualTo(256);
        // the padded corner tile: right and bottom beyond the scene hold nodata 0
        Tile corner = tiles.get(15);
        assertThat(corner.getTileId()).isEqualTo("RGB.byte/r003c003");
        RasterImage c = RasterImage.fromTile(corner);
        assertThat(791 - corner.getPlacement().getXOffset()).isEqualTo(119);
        assertThat(c.sample(0, 119, 10)).isZero();
        assertThat(c.sample(0, 255, 255)).isZero();
    }

    private static Tile lastTile(Iterator<Tile> tiles) {
        Tile last = null;
        while (tiles.hasNext()) {
            last = tiles.next();
        }
        return last;
    }

    private static List<String> ids(Iterator<Tile> tiles) {
        List<String> ids = new ArrayList<>();
        tiles.forEachRemaining(t -> ids.add(t.getTileId()));
        return ids;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static RasterImage randomImage(int w, int h, int bands, DataType type, Double nodata, GeoReference georef,
            long seed) {
        Random random = new Random(seed);
        int bps = RasterImage.bytesPerSample(type);
        ByteBuffer buf = ByteBuffer.allocate(w * h * bands * bps).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < w * h * bands; i++) {
            switch (type) {
                case UINT8 -> buf.put((byte) (1 + random.nextInt(200)));
                case UINT16 -> buf.putShort((short) (1 + random.nextInt(60000)));
                case FLOAT32 -> buf.putFloat(random.nextFloat() * 1000f);
            }
        }
        List<String> names = new ArrayList<>();
        for (int b = 0; b < bands; b++) {
            names.add("b" + (b + 1));
        }
        return new RasterImage(w, h, names, type, buf.array(), nodata, georef);
    }
}
