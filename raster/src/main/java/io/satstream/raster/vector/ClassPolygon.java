package io.satstream.raster.vector;

import java.util.Objects;

import org.locationtech.jts.geom.Polygon;

import io.satstream.schemas.MaskValues;

/**
 * One connected region of a class mask as a polygon (holes included), in the CRS of the mask's grid.
 *
 * @param classIndex the mask value the region holds; never {@link MaskValues#NO_DATA}, which is not a class
 * @param pixels how many mask pixels the region covers (before any simplification)
 */
public record ClassPolygon(int classIndex, Polygon polygon, long pixels) {
    public ClassPolygon {
        Objects.requireNonNull(polygon, "polygon");
        if (classIndex < 0 || classIndex >= MaskValues.NO_DATA) {
            throw new IllegalArgumentException("class index must be 0.." + (MaskValues.NO_DATA - 1) + " ("
                    + MaskValues.NO_DATA + " marks no data), got " + classIndex);
        }
    }
}
