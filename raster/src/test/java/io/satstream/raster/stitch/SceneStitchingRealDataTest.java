package io.satstream.raster.stitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.raster.stitch.SceneCutter.LastWindow;
import io.satstream.raster.stitch.SceneCutter.Window;
import io.satstream.schemas.MaskValues;
import io.satstream.testing.oracles.Gdal;

/**
 * Acceptance: real GeoTIFF scenes cut into overlapping tiles, segmented per tile by an exactly
 * translation-equivariant model (7x7 box, receptive radius 3), and stitched back.
 * <ul>
 *   <li>the stitched GeoTIFF has the source's size, CRS and geotransform exactly, per {@code gdalinfo -json};</li>
 *   <li>the stitched mask equals whole-scene inference everywhere except within overlap/2 of the scene
 *       border — and a naive paste (last tile wins) does not, so the blending is what makes it hold;</li>
 *   <li>the result does not depend on the order the tiles arrive in, and the scene completes on its last tile.</li>
 * </ul>
 */
class SceneStitchingRealDataTest {
    private static final List<String> CLASSES = List.of("dark", "mid", "bright");
    private static final int RADIUS = 3;

    @TempDir
    Path tmp;

    static Stream<Arguments> scenes() {
        return Stream.of(
                Arguments.of("rasterio-landsat-rgb/RGB.byte.tif", 256, 32, LastWindow.PADDED_PAST_EDGE),
                Arguments.of("rasterio-landsat-rgb/RGB.byte.tif", 200, 8, LastWindow.SHIFTED_INSIDE),
                Arguments.of("spacenet4-atlanta-building/sample_geotiff.tif", 128, 16, LastWindow.PADDED_PAST_EDGE),
                Arguments.of("rasterio-landsat-rgb/cogeo.tif", 300, 12, LastWindow.SHIFTED_INSIDE));
    }

    @ParameterizedTest(name = "{0} tile {1} overlap {2} {3}")
    @MethodSource("scenes")
    void stitchedSceneHasTheSourceGridAndEqualsWholeSceneInference(String file, int tile, int overlap,
            LastWindow last) throws Exception {
        Gdal.require();
        Path source = SharedDataDir.root().resolve(file);
        RasterImage scene = new RasterDecoder().decode(Files.readAllBytes(source));
        int w = scene.width();
        int h = scene.height();
        double[] values = SceneCutter.bandSum(scene);
        double mean = Arrays.stream(values).average().orElseThrow();
        double box = Math.pow(2 * RADIUS + 1, 2);
        double low = 0.7 * mean * box;
        double high = 1.3 * mean * box;
        byte[] whole = SceneCutter.boxClassifier(values, w, h, RADIUS, low, high);

        List<Window> windows = SceneCutter.windows(w, h, tile, overlap, last);
        List<TileMask> tiles = new ArrayList<>();
        for (Window win : windows) {
            byte[] mask = SceneCutter.boxClassifier(SceneCutter.cut(values, w, h, win, tile), tile, tile, RADIUS,
                    low, high);
            tiles.add(new TileMask("scene/r" + win.row() + "c" + win.col(), "scene", tile, tile, mask, CLASSES,
                    SceneCutter.tileGeoref(scene.georef(), win), SceneCutter.placement(win, w, h, overlap)));
        }

        StitchedScene inOrder = stitch(tiles);
        List<TileMask> shuffled = new ArrayList<>(tiles);
        Collections.shuffle(shuffled, new Random(42));
        StitchedScene outOfOrder = stitch(shuffled);
        assertThat(outOfOrder.mask()).isEqualTo(inOrder.mask());
        assertThat(outOfOrder.georef()).isEqualTo(inOrder.georef());
        assertThat(inOrder.complete()).isTrue();
        assertThat(inOrder.tiles()).isEqualTo(windows.size());

        int margin = overlap / 2;
        long inner = 0;
        long innerDiff = 0;
        long borderDiff = 0;
        long naiveInnerDiff = 0;
        byte[] naive = naivePaste(tiles, w, h);
        int[] perClass = new int[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                perClass[whole[i]]++;
                boolean isInner = x >= margin && y >= margin && x < w - margin && y < h - margin;
                if (isInner) {
                    inner++;
                    innerDiff += inOrder.mask()[i] != whole[i] ? 1 : 0;
                    naiveInnerDiff += naive[i] != whole[i] ? 1 : 0;
                } else {
                    borderDiff += inOrder.mask()[i] != whole[i] ? 1 : 0;
                }
            }
        }
        System.out.printf("%s: %dx%d, %d tiles of %d (overlap %d, %s); classes %s; inner pixels %d differing %d "
                + "(naive paste: %d); border zone differing %d%n", file, w, h, windows.size(), tile, overlap, last,
                Arrays.toString(perClass), inner, innerDiff, naiveInnerDiff, borderDiff);
        assertThat(Arrays.stream(perClass).min().orElseThrow()).isGreaterThan(w * h / 50);
        assertThat(innerDiff).isZero();
        assertThat(naiveInnerDiff).isPositive();

        Path tif = Files.write(tmp.resolve("scene.tif"), inOrder.geoTiff());
        JsonNode expected = Gdal.info(source);
        JsonNode actual = Gdal.info(tif);
        assertThat(actual.get("size")).isEqualTo(expected.get("size"));
        assertThat(actual.at("/stac/proj:epsg")).isEqualTo(expected.at("/stac/proj:epsg"));
        assertThat(actual.at("/stac/proj:epsg").asInt()).isEqualTo(scene.georef().getEpsg());
        assertThat(doubles(actual.get("geoTransform"))).containsExactly(doubles(expected.get("geoTransform")));
        assertThat(actual.at("/bands/0/type").asText()).isEqualTo("Byte");
    }

    static Stream<Arguments> collarTilings() {
        return Stream.of(Arguments.of(256, 32, LastWindow.PADDED_PAST_EDGE),
                Arguments.of(200, 8, LastWindow.SHIFTED_INSIDE));
    }

    /**
     * The Landsat scene's black collar (nodata 0 in every band) is no-data in each tile's mask and in the
     * padding past the scene edge, as the pipeline marks it. Stitched, the collar is exactly the no-data
     * pixels, the rest still equals whole-scene inference, and GDAL and PNG viewers see the collar as holes.
     */
    @ParameterizedTest(name = "RGB.byte.tif tile {0} overlap {1} {2}")
    @MethodSource("collarTilings")
    void theNodataCollarComesOutAsNoDataAndTheRestAsWholeSceneInference(int tile, int overlap, LastWindow last)
            throws Exception {
        Gdal.require();
        Path source = SharedDataDir.root().resolve("rasterio-landsat-rgb/RGB.byte.tif");
        RasterImage scene = new RasterDecoder().decode(Files.readAllBytes(source));
        assertThat(scene.nodata()).isEqualTo(0.0);
        int w = scene.width();
        int h = scene.height();
        boolean[] collar = new boolean[w * h];
        long collarPixels = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean none = true;
                for (int b = 0; b < scene.bandCount() && none; b++) {
                    none = scene.sample(b, x, y) == 0;
                }
                collar[y * w + x] = none;
                collarPixels += none ? 1 : 0;
            }
        }
        assertThat(collarPixels).isGreaterThan((long) w * h / 10);
        double[] values = SceneCutter.bandSum(scene);
        double mean = Arrays.stream(values).average().orElseThrow();
        double box = Math.pow(2 * RADIUS + 1, 2);
        double low = 0.7 * mean * box;
        double high = 1.3 * mean * box;
        byte[] whole = SceneCutter.boxClassifier(values, w, h, RADIUS, low, high);
        for (int i = 0; i < whole.length; i++) {
            whole[i] = collar[i] ? (byte) MaskValues.NO_DATA : whole[i];
        }

        List<Window> windows = SceneCutter.windows(w, h, tile, overlap, last);
        List<TileMask> tiles = new ArrayList<>();
        for (Window win : windows) {
            byte[] mask = SceneCutter.boxClassifier(SceneCutter.cut(values, w, h, win, tile), tile, tile, RADIUS,
                    low, high);
            for (int y = 0; y < tile; y++) {
                for (int x = 0; x < tile; x++) {
                    int sx = win.x() + x;
                    int sy = win.y() + y;
                    if (sx >= w || sy >= h || collar[sy * w + sx]) {
                        mask[y * tile + x] = (byte) MaskValues.NO_DATA;
                    }
                }
            }
            tiles.add(new TileMask("scene/r" + win.row() + "c" + win.col(), "scene", tile, tile, mask, CLASSES,
                    SceneCutter.tileGeoref(scene.georef(), win), SceneCutter.placement(win, w, h, overlap)));
        }

        StitchedScene stitched = stitch(tiles);
        List<TileMask> shuffled = new ArrayList<>(tiles);
        Collections.shuffle(shuffled, new Random(7));
        assertThat(stitch(shuffled).mask()).isEqualTo(stitched.mask());
        assertThat(stitched.complete()).isTrue();
        assertThat(stitched.noDataPixels()).isEqualTo(collarPixels);

        int margin = overlap / 2;
        long innerDiff = 0;
        long dataSum = 0;
        int maxClass = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int value = stitched.mask()[i] & 0xFF;
                assertThat(value == MaskValues.NO_DATA).as("no-data at (%d,%d)", x, y).isEqualTo(collar[i]);
                if (x >= margin && y >= margin && x < w - margin && y < h - margin) {
                    innerDiff += stitched.mask()[i] != whole[i] ? 1 : 0;
                }
                if (!collar[i]) {
                    dataSum += value;
                    maxClass = Math.max(maxClass, value);
                }
            }
        }
        assertThat(innerDiff).isZero();

        BufferedImage png = ImageIO.read(new ByteArrayInputStream(stitched.png()));
        long transparent = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                transparent += (png.getRGB(x, y) >>> 24) == 0 ? 1 : 0;
            }
        }
        assertThat(transparent).isEqualTo(collarPixels);

        Path tif = Files.write(tmp.resolve("collar.tif"), stitched.geoTiff());
        JsonNode info = Gdal.infoWithStats(tif);
        assertThat(info.at("/bands/0/noDataValue").asDouble()).isEqualTo(255.0);
        // GDAL's statistics leave the collar out: counted, it would make the maximum 255
        assertThat(info.at("/bands/0/maximum").asDouble()).isEqualTo(maxClass);
        assertThat(info.at("/bands/0/mean").asDouble())
                .isCloseTo((double) dataSum / ((long) w * h - collarPixels), within(5e-4));
    }

    private static StitchedScene stitch(List<TileMask> tiles) {
        SceneStitcher stitcher = new SceneStitcher();
        StitchedScene result = null;
        for (int i = 0; i < tiles.size(); i++) {
            Optional<StitchedScene> done = stitcher.add(tiles.get(i));
            // Complete on the last tile, not before: every window has pixels no other window covers.
            assertThat(done.isPresent()).as("complete after tile %d of %d", i + 1, tiles.size())
                    .isEqualTo(i == tiles.size() - 1);
            result = done.orElse(null);
        }
        assertThat(stitcher.openScenes()).isZero();
        return result;
    }

    /** Each tile simply overwrites what earlier tiles put there (what stitching without blending does). */
    private static byte[] naivePaste(List<TileMask> tiles, int w, int h) {
        byte[] out = new byte[w * h];
        for (TileMask t : tiles) {
            int xo = t.placement().getXOffset();
            int yo = t.placement().getYOffset();
            for (int y = 0; y < t.height() && yo + y < h; y++) {
                for (int x = 0; x < t.width() && xo + x < w; x++) {
                    out[(yo + y) * w + xo + x] = t.mask()[y * t.width() + x];
                }
            }
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
