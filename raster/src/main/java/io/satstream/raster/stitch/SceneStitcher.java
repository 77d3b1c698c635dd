package io.satstream.raster.stitch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.satstream.raster.stitch.internal.SceneCanvas;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.TilePlacement;

/**
 * Reassembles scene masks from tile masks that arrive in any order, several scenes at a time. A scene is
 * complete once its tiles have covered every pixel of it — which for a tile grid happens exactly when the
 * last window arrives, since each window of a grid with overlap below half the tile size has pixels no
 * other window covers — and is then handed out and forgotten; tiles of it that come later are refused.
 * Where tiles overlap, each pixel takes the class of the tile in which it lies farthest from an inner tile
 * edge among those with data there ({@link MaskValues#NO_DATA} casts no vote); see {@link SceneCanvas}.
 *
 * <p>Memory is bounded: a scene costs 3 bytes a pixel while open; a scene larger than {@code maxScenePixels},
 * or one that would take the open scenes past {@code maxOpenPixels}, is refused with a reason. Not
 * thread-safe.
 */
public final class SceneStitcher {
    /** 64 Mi pixels (8192x8192), like the raster decoder's limit: 192 MiB while open. */
    public static final long DEFAULT_MAX_SCENE_PIXELS = 64L * 1024 * 1024;
    /** Four such scenes at once. */
    public static final long DEFAULT_MAX_OPEN_PIXELS = 4 * DEFAULT_MAX_SCENE_PIXELS;

    private final long maxScenePixels;
    private final long maxOpenPixels;
    private final Map<String, SceneCanvas> open = new LinkedHashMap<>();
    private final Set<String> done = new HashSet<>();
    private long openPixels;

    public SceneStitcher() {
        this(DEFAULT_MAX_SCENE_PIXELS, DEFAULT_MAX_OPEN_PIXELS);
    }

    public SceneStitcher(long maxScenePixels, long maxOpenPixels) {
        if (maxScenePixels <= 0 || maxOpenPixels < maxScenePixels) {
            throw new IllegalArgumentException("need 0 < maxScenePixels <= maxOpenPixels, got " + maxScenePixels
                    + " and " + maxOpenPixels);
        }
        this.maxScenePixels = maxScenePixels;
        this.maxOpenPixels = maxOpenPixels;
    }

    /**
     * Adds one tile's mask.
     *
     * @return the scene when this tile completed it
     * @throws IllegalArgumentException when the tile cannot be stitched (the reason says why: its scene was
     *     already completed, is too large, does not match the tile, …); the stitcher is unchanged then
     */
    public Optional<StitchedScene> add(TileMask tile) {
        String sceneId = tile.sceneId();
        if (done.contains(sceneId)) {
            throw new IllegalArgumentException("tile " + tile.tileId() + " arrived after scene " + sceneId
                    + " was completed; ignored");
        }
        SceneCanvas canvas = open.get(sceneId);
        if (canvas == null) {
            canvas = openScene(tile);
        }
        try {
            canvas.add(tile);
        } catch (IllegalArgumentException e) {
            if (canvas.isEmpty()) {
                close(sceneId, canvas);
            }
            throw e;
        }
        if (!canvas.complete()) {
            return Optional.empty();
        }
        close(sceneId, canvas);
        done.add(sceneId);
        return Optional.of(canvas.finish());
    }

    /** True when the scene was completed and handed out. */
    public boolean isCompleted(String sceneId) {
        return done.contains(sceneId);
    }

    public int openScenes() {
        return open.size();
    }

    /** Hands out every scene still open, its uncovered pixels {@link MaskValues#NO_DATA}, and forgets them. */
    public List<StitchedScene> drainIncomplete() {
        List<StitchedScene> out = new ArrayList<>();
        open.values().forEach(c -> out.add(c.finish()));
        open.clear();
        openPixels = 0;
        return out;
    }

    private SceneCanvas openScene(TileMask tile) {
        TilePlacement p = tile.placement();
        long pixels = (long) p.getSceneWidth() * p.getSceneHeight();
        if (p.getSceneWidth() <= 0 || p.getSceneHeight() <= 0) {
            throw new IllegalArgumentException("tile " + tile.tileId() + " places scene " + tile.sceneId()
                    + " at an empty size " + p.getSceneWidth() + "x" + p.getSceneHeight());
        }
        if (pixels > maxScenePixels) {
            throw new IllegalArgumentException("scene " + tile.sceneId() + " (" + p.getSceneWidth() + "x"
                    + p.getSceneHeight() + ") is larger than the stitching limit of " + maxScenePixels + " pixels");
        }
        if (openPixels + pixels > maxOpenPixels) {
            throw new IllegalArgumentException("scene " + tile.sceneId() + " (" + p.getSceneWidth() + "x"
                    + p.getSceneHeight() + ") would take the open scenes past " + maxOpenPixels + " pixels ("
                    + open.size() + " scenes open)");
        }
        SceneCanvas canvas = new SceneCanvas(tile.sceneId(), p.getSceneWidth(), p.getSceneHeight(),
                tile.classNames());
        open.put(tile.sceneId(), canvas);
        openPixels += pixels;
        return canvas;
    }

    private void close(String sceneId, SceneCanvas canvas) {
        open.remove(sceneId);
        openPixels -= canvas.pixels();
    }
}
