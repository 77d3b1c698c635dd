package io.satstream.raster.stitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.raster.stitch.SceneCutter.LastWindow;
import io.satstream.raster.stitch.SceneCutter.Window;

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
        assumeTrue(Gdalinfo.available(), "gdalinfo not installed");
        JsonNode expected = Gdalinfo.json(source);
        JsonNode actual = Gdalinfo.json(tif);
        assertThat(actual.get("size")).isEqualTo(expected.get("size"));
        assertThat(actual.at("/stac/proj:epsg")).isEqualTo(expected.at("/stac/proj:epsg"));
        assertThat(actual.at("/stac/proj:epsg").asInt()).isEqualTo(scene.georef().getEpsg());
        assertThat(doubles(actual.get("geoTransform"))).containsExactly(doubles(expected.get("geoTransform")));
        assertThat(actual.at("/bands/0/type").asText()).isEqualTo("Byte");
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
