package io.satstream.raster.vector;

import java.util.Objects;

import org.locationtech.jts.geom.Polygon;

/**
 * One connected region of a class mask as a polygon (holes included), in the CRS of the mask's grid.
 *
 * @param classIndex the mask value the region holds
 * @param pixels how many mask pixels the region covers (before any simplification)
 */
public record ClassPolygon(int classIndex, Polygon polygon, long pixels) {
    public ClassPolygon {
        Objects.requireNonNull(polygon, "polygon");
        if (classIndex < 0 || classIndex > 255) {
            throw new IllegalArgumentException("class index must be 0..255, got " + classIndex);
        }
    }
}
