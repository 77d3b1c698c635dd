package io.satstream.raster.stitch;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.TilePlacement;

/**
 * The class mask of one tile and where the tile was cut from its scene.
 *
 * @param mask width*height class indices, row-major, each below {@code classNames.size()}
 * @param georef the tile's own georeference (its origin is the tile's top-left corner), or null
 */
public record TileMask(String tileId, String sceneId, int width, int height, byte[] mask, List<String> classNames,
        GeoReference georef, TilePlacement placement) {

    public TileMask {
        Objects.requireNonNull(tileId, "tileId");
        Objects.requireNonNull(mask, "mask");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        if (sceneId == null || sceneId.isBlank()) {
            throw new IllegalArgumentException("tile " + tileId + " has no scene id, so it cannot be stitched");
        }
        if (placement == null) {
            throw new IllegalArgumentException("tile " + tileId + " has no placement, so it cannot be stitched");
        }
        if (width <= 0 || height <= 0 || mask.length != (long) width * height) {
            throw new IllegalArgumentException("tile " + tileId + ": mask of " + mask.length + " values does not fit "
                    + width + "x" + height);
        }
        if (classNames.isEmpty() || classNames.size() > 255) {
            throw new IllegalArgumentException("tile " + tileId + ": 1..255 classes expected, got " + classNames.size());
        }
        for (int i = 0; i < mask.length; i++) {
            if ((mask[i] & 0xFF) >= classNames.size()) {
                throw new IllegalArgumentException("tile " + tileId + ": mask value " + (mask[i] & 0xFF) + " at ("
                        + i % width + ", " + i / width + ") is not a class index (" + classNames.size() + " classes)");
            }
        }
    }

    /** The stitchable view of a segmentation record (shares nothing mutable with it). */
    public static TileMask of(Segmentation s) {
        ByteBuffer view = s.getMask().duplicate();
        byte[] mask = new byte[view.remaining()];
        view.get(mask);
        return new TileMask(s.getTileId(), s.getSceneId(), s.getWidth(), s.getHeight(), mask, s.getClassNames(),
                s.getGeoref(), s.getPlacement());
    }
}
