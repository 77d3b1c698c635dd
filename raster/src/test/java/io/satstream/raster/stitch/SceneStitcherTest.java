package io.satstream.raster.stitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.GeoReference;
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
        assertThat(a.mask()[15]).isEqualTo((byte) a.uncoveredValue());
        assertThat(left.get(1).georef()).isNull();
        // The GeoTIFF says which value is "no tile here"; the PNG names it.
        RasterImage decoded = new RasterDecoder().decode(a.geoTiff());
        assertThat(decoded.nodata()).isEqualTo(2.0);
        assertThat(decoded.georef().getGeoTransform()).isEqualTo(SCENE_GT);
        assertThat(a.png()).isNotEmpty();
        assertThat(stitcher.openScenes()).isZero();
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
                .hasMessageContaining("mask value 7 at (2, 4)");
        assertThatThrownBy(() -> new TileMask(t.tileId(), null, 10, 10, t.mask(), CLASSES, null, t.placement()))
                .hasMessageContaining("no scene id");
    }
}
