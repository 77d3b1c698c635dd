package io.satstream.raster.stitch;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.TilePlacement;

/**
 * The class mask of one tile and where the tile was cut from its scene.
 *
 * @param mask width*height values, row-major: a class index below {@code classNames.size()}, or
 *     {@link MaskValues#NO_DATA} where the tile had no data
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
        if (classNames.isEmpty() || classNames.size() > MaskValues.MAX_CLASSES) {
            throw new IllegalArgumentException("tile " + tileId + ": 1.." + MaskValues.MAX_CLASSES
                    + " classes expected, got " + classNames.size());
        }
        for (int i = 0; i < mask.length; i++) {
            int value = mask[i] & 0xFF;
            if (value >= classNames.size() && value != MaskValues.NO_DATA) {
                throw new IllegalArgumentException("tile " + tileId + ": mask value " + value + " at (" + i % width
                        + ", " + i / width + ") is neither a class index (" + classNames.size()
                        + " classes) nor no-data (" + MaskValues.NO_DATA + ")");
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
