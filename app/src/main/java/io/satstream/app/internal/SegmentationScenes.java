package io.satstream.app.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.satstream.raster.stitch.SceneStitcher;
import io.satstream.raster.stitch.StitchedScene;
import io.satstream.raster.stitch.TileMask;
import io.satstream.schemas.Segmentation;

/**
 * {@code consume --stitch}: feeds each segmentation into a {@link SceneStitcher} and writes every scene it
 * completes as {@code DIR/scenes/<scene id>.tif} (georeferenced like the source scene) and {@code .png};
 * {@link #flushIncomplete()} writes the scenes still missing tiles, their uncovered pixels marked as nodata.
 * Records without a scene id or placement are not scene tiles and are passed over.
 */
public final class SegmentationScenes {

    private final Path dir;
    private final SceneStitcher stitcher;

    /** A scene written to disk. */
    public record Written(StitchedScene scene, Path tif, Path png) {}

    public SegmentationScenes(Path outDir, SceneStitcher stitcher) {
        this.dir = outDir.resolve("scenes");
        this.stitcher = stitcher;
    }

    public Path dir() {
        return dir;
    }

    /** True when the record carries what stitching needs: a scene id and a placement. */
    public static boolean isSceneTile(Segmentation s) {
        return s.getSceneId() != null && !s.getSceneId().isBlank() && s.getPlacement() != null;
    }

    /**
     * @return the scene this record completed, once written
     * @throws IllegalArgumentException when the tile cannot be stitched (the stitcher says why)
     * @throws UncheckedIOException when the scene cannot be written
     */
    public Optional<Written> add(Segmentation s) {
        return stitcher.add(TileMask.of(s)).map(this::write);
    }

    /** Writes and forgets every scene still open. */
    public List<Written> flushIncomplete() {
        List<Written> out = new ArrayList<>();
        for (StitchedScene scene : stitcher.drainIncomplete()) {
            out.add(write(scene));
        }
        return out;
    }

    private Written write(StitchedScene scene) {
        String base = SafeFileNames.forId(scene.sceneId());
        byte[] tif = scene.geoTiff();
        byte[] png = scene.png();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + ErrorMessages.describe(e), e);
        }
        Path tifPath = dir.resolve(base + ".tif");
        Path pngPath = dir.resolve(base + ".png");
        SegmentationFiles.writeAtomically(tifPath, tif);
        SegmentationFiles.writeAtomically(pngPath, png);
        return new Written(scene, tifPath, pngPath);
    }
}
