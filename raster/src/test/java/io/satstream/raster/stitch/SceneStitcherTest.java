package io.satstream.raster.stitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.TilePlacement;

class SceneStitcherTest {
    private static final List<String> CLASSES = List.of("background", "building");
    private static final List<Double> SCENE_GT = List.of(733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5);

    /** A 10x10 tile at (x, y) of a 16x16 scene (overlap 4), every pixel set to {@code value}. */
    private static TileMask tile(String scene, int row, int col, int value, List<Double> sceneGt) {
        int x = col * 6;
        int y = row * 6;
        byte[] mask = new byte[100];
        Arrays.fill(mask, (byte) value);
        GeoReference georef = sceneGt == null ? null : GeoReference.newBuilder().setEpsg(32616).setXyz(null)
                .setGeoTransform(List.of(sceneGt.get(0) + x * 0.5, 0.5, 0.0, sceneGt.get(3) - y * 0.5, 0.0, -0.5))
                .build();
        TilePlacement placement = TilePlacement.newBuilder().setRow(row).setCol(col).setXOffset(x).setYOffset(y)
                .setSceneWidth(16).setSceneHeight(16).setOverlap(4).build();
        return new TileMask(scene + "/r" + row + "c" + col, scene, 10, 10, mask, CLASSES, georef, placement);
    }

    @Test
    void overlapGoesToTheTileWhereThePixelLiesFarthestFromAnInnerEdge() {
        SceneStitcher stitcher = new SceneStitcher();
        assertThat(stitcher.add(tile("s", 0, 0, 0, SCENE_GT))).isEmpty();
        assertThat(stitcher.add(tile("s", 0, 1, 1, SCENE_GT))).isEmpty();
        assertThat(stitcher.add(tile("s", 1, 0, 0, SCENE_GT))).isEmpty();
        StitchedScene scene = stitcher.add(tile("s", 1, 1, 1, SCENE_GT)).orElseThrow();
        // Columns 6..9 are shared. Distance to c0's right edge: 3, 2, 1, 0; to c1's left edge: 0, 1, 2, 3.
        // So 6 and 7 come from c0 (value 0), 8 and 9 from c1 (value 1); rows likewise, values equal there.
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(scene.mask()[y * 16 + x]).as("(%d,%d)", x, y).isEqualTo((byte) (x < 8 ? 0 : 1));
            }
        }
        assertThat(scene.complete()).isTrue();
        assertThat(scene.georef().getGeoTransform()).isEqualTo(SCENE_GT);
        assertThat(scene.georef().getEpsg()).isEqualTo(32616);
        assertThatThrownBy(() -> stitcher.add(tile("s", 0, 0, 0, SCENE_GT)))
                .hasMessageContaining("arrived after scene s was completed");
    }

    @Test
    void sceneOriginIsTheOriginTilesTransformVerbatimWhateverArrivesFirst() {
        List<Double> gt = List.of(101985.0, 300.0379266750948, 0.0, 2826915.0, 0.0, -300.041782729805);
        // The origin tile says 1e-5 m more than the others imply: within the tolerance, and it must win, as
        // it needs no arithmetic (the shifted-back estimates carry rounding in general).
        List<Double> originGt = List.of(101985.00001, gt.get(1), 0.0, 2826915.0, 0.0, gt.get(5));
        SceneStitcher stitcher = new SceneStitcher();
        stitcher.add(tileWithTransform(1, 1, gt));
        stitcher.add(tileWithTransform(0, 1, gt));
        stitcher.add(tileWithTransform(1, 0, gt));
        StitchedScene scene = stitcher.add(tileWithTransform(0, 0, originGt)).orElseThrow();
        assertThat(scene.georef().getGeoTransform()).containsExactlyElementsOf(originGt);
        assertThat(scene.georef().getEpsg()).isEqualTo(32618);
    }

    private static TileMask tileWithTransform(int row, int col, List<Double> gt) {
        TileMask t = tile("g", row, col, 1, null);
        int x = col * 6;
        int y = row * 6;
        GeoReference georef = GeoReference.newBuilder().setEpsg(32618).setXyz(null)
                .setGeoTransform(List.of(gt.get(0) + x * gt.get(1), gt.get(1), 0.0, gt.get(3) + y * gt.get(5), 0.0,
                        gt.get(5)))
                .build();
        return new TileMask(t.tileId(), t.sceneId(), 10, 10, t.mask(), CLASSES, georef, t.placement());
    }

    @Test
    void incompleteScenesAreDrainedWithTheirUncoveredPixelsMarked() throws Exception {
        SceneStitcher stitcher = new SceneStitcher();
        stitcher.add(tile("a", 0, 0, 1, SCENE_GT));
        stitcher.add(tile("b", 1, 1, 1, null));
        List<StitchedScene> left = stitcher.drainIncomplete();
        assertThat(left).extracting(StitchedScene::sceneId).containsExactly("a", "b");
        StitchedScene a = left.get(0);
        assertThat(a.complete()).isFalse();
        assertThat(a.uncoveredPixels()).isEqualTo(256 - 100);
        assertThat(a.mask()[0]).isEqualTo((byte) 1);
        assertThat(a.noDataPixels()).isEqualTo(256 - 100);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(a.mask()[y * 16 + x] & 0xFF).as("(%d,%d)", x, y)
                        .isEqualTo(x < 10 && y < 10 ? 1 : MaskValues.NO_DATA);
            }
        }
        assertThat(left.get(1).georef()).isNull();
        // The GeoTIFF declares the no-data value as GDAL nodata; the PNG shows those pixels as holes.
        RasterImage decoded = new RasterDecoder().decode(a.geoTiff());
        assertThat(decoded.nodata()).isEqualTo(255.0);
        assertThat(decoded.georef().getGeoTransform()).isEqualTo(SCENE_GT);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(a.png()));
        assertThat(png.getRGB(0, 0) >>> 24).isEqualTo(255);
        assertThat(png.getRGB(15, 0) >>> 24).isZero();
        assertThat(stitcher.openScenes()).isZero();
    }

    /** A 10x10 tile in column {@code col} of a 16x10 scene (one row of two tiles, overlap 4: x 6..9). */
    private static TileMask stripTile(int col, byte[] mask) {
        TilePlacement placement = TilePlacement.newBuilder().setRow(0).setCol(col).setXOffset(col * 6).setYOffset(0)
                .setSceneWidth(16).setSceneHeight(10).setOverlap(4).build();
        return new TileMask("n/c" + col, "n", 10, 10, mask, CLASSES, null, placement);
    }

    @Test
    void aTilesNoDataCastsNoVoteSoAnotherTilesClassFillsTheOverlap() {
        byte none = (byte) MaskValues.NO_DATA;
        byte[] left = new byte[100]; // class 0
        byte[] right = new byte[100];
        Arrays.fill(right, (byte) 1);
        for (int y = 0; y < 10; y++) {
            left[y * 10 + 6] = none; // scene x 6, 7: where the left tile would win by distance
            left[y * 10 + 7] = none;
            right[y * 10 + 2] = none; // scene x 8, 9: where the right tile would win
            right[y * 10 + 3] = none;
            left[y * 10 + 2] = none; // scene x 2: only the left tile covers it
        }
        for (int x = 6; x < 10; x++) {
            left[9 * 10 + x] = none; // bottom row of the overlap: neither tile has data
            right[9 * 10 + x - 6] = none;
        }

        StitchedScene leftFirst = stitchStrip(stripTile(0, left), stripTile(1, right));
        StitchedScene rightFirst = stitchStrip(stripTile(1, right), stripTile(0, left));

        for (StitchedScene scene : List.of(leftFirst, rightFirst)) {
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 16; x++) {
                    int expected;
                    if (x == 2 || (y == 9 && x >= 6 && x < 10)) {
                        expected = MaskValues.NO_DATA;
                    } else if (x < 6) {
                        expected = 0;
                    } else if (x < 8) {
                        expected = 1; // the left tile has no data here: the right tile's class, though nearer its edge
                    } else if (x < 10) {
                        expected = 0; // and the other way round
                    } else {
                        expected = 1;
                    }
                    assertThat(scene.mask()[y * 16 + x] & 0xFF).as("(%d,%d)", x, y).isEqualTo(expected);
                }
            }
            assertThat(scene.complete()).isTrue();
            assertThat(scene.uncoveredPixels()).isZero();
            assertThat(scene.noDataPixels()).isEqualTo(10 + 4);
        }
    }

    @Test
    void aSceneCoveredOnlyByNoDataCompletesAsNoData() {
        byte[] none = new byte[100];
        Arrays.fill(none, (byte) MaskValues.NO_DATA);
        StitchedScene scene = stitchStrip(stripTile(0, none), stripTile(1, none));
        assertThat(scene.complete()).isTrue();
        assertThat(scene.noDataPixels()).isEqualTo(160);
        for (byte v : scene.mask()) {
            assertThat(v & 0xFF).isEqualTo(MaskValues.NO_DATA);
        }
    }

    private static StitchedScene stitchStrip(TileMask first, TileMask second) {
        SceneStitcher stitcher = new SceneStitcher();
        assertThat(stitcher.add(first)).isEmpty();
        return stitcher.add(second).orElseThrow();
    }

    @Test
    void tilesThatDoNotFitTheSceneAreRefusedWithoutHarm() {
        SceneStitcher stitcher = new SceneStitcher();
        stitcher.add(tile("s", 0, 0, 0, SCENE_GT));
        TileMask other = tile("s", 0, 1, 1, SCENE_GT);
        TileMask wrongClasses = new TileMask(other.tileId(), "s", 10, 10, other.mask(),
                List.of("background", "building", "road"), other.georef(), other.placement());
        assertThatThrownBy(() -> stitcher.add(wrongClasses)).hasMessageContaining("its classes");
        List<Double> shifted = List.of(733601.0 + 3 + 0.5 * 6, 0.5, 0.0, 3725139.0, 0.0, -0.5);
        TileMask misplaced = new TileMask(other.tileId(), "s", 10, 10, other.mask(), CLASSES,
                GeoReference.newBuilder().setEpsg(32616).setXyz(null).setGeoTransform(shifted).build(),
                other.placement());
        assertThatThrownBy(() -> stitcher.add(misplaced)).hasMessageContaining("does not line up");
        TileMask otherCrs = new TileMask(other.tileId(), "s", 10, 10, other.mask(), CLASSES,
                GeoReference.newBuilder(other.georef()).setEpsg(32617).build(), other.placement());
        assertThatThrownBy(() -> stitcher.add(otherCrs)).hasMessageContaining("EPSG:32617");
        TileMask notGeo = new TileMask(other.tileId(), "s", 10, 10, other.mask(), CLASSES, null, other.placement());
        assertThatThrownBy(() -> stitcher.add(notGeo)).hasMessageContaining("not georeferenced");
        // The scene is unharmed: the right tiles still complete it.
        stitcher.add(tile("s", 0, 1, 1, SCENE_GT));
        stitcher.add(tile("s", 1, 0, 0, SCENE_GT));
        assertThat(stitcher.add(tile("s", 1, 1, 1, SCENE_GT))).isPresent();
    }

    @Test
    void absurdScenesAreRefusedBeforeAnyMemoryIsTaken() {
        SceneStitcher stitcher = new SceneStitcher(1000, 1000);
        TileMask t = tile("s", 0, 0, 0, SCENE_GT);
        TilePlacement huge = TilePlacement.newBuilder(t.placement()).setSceneWidth(100_000).setSceneHeight(100_000)
                .build();
        assertThatThrownBy(() -> stitcher.add(new TileMask(t.tileId(), "s", 10, 10, t.mask(), CLASSES, t.georef(),
                huge))).hasMessageContaining("larger than the stitching limit of 1000 pixels");
        stitcher.add(tile("s", 0, 0, 0, SCENE_GT)); // 256 pixels
        stitcher.add(tile("t", 0, 0, 0, SCENE_GT));
        stitcher.add(tile("u", 0, 0, 0, SCENE_GT));
        assertThatThrownBy(() -> stitcher.add(tile("v", 0, 0, 0, SCENE_GT)))
                .hasMessageContaining("would take the open scenes past 1000 pixels");
        assertThat(stitcher.openScenes()).isEqualTo(3);
    }

    @Test
    void masksWithValuesOutsideTheClassesAreRefused() {
        TileMask t = tile("s", 0, 0, 0, SCENE_GT);
        byte[] bad = t.mask().clone();
        bad[42] = 7;
        assertThatThrownBy(() -> new TileMask(t.tileId(), "s", 10, 10, bad, CLASSES, null, t.placement()))
                .hasMessage("tile s/r0c0: mask value 7 at (2, 4) is neither a class index (2 classes) nor no-data (255)");
        byte[] noData = t.mask().clone();
        noData[42] = (byte) MaskValues.NO_DATA;
        assertThat(new TileMask(t.tileId(), "s", 10, 10, noData, CLASSES, null, t.placement()).mask()[42])
                .isEqualTo((byte) MaskValues.NO_DATA);
        assertThatThrownBy(() -> new TileMask(t.tileId(), null, 10, 10, t.mask(), CLASSES, null, t.placement()))
                .hasMessageContaining("no scene id");
    }
}
