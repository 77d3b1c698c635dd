package io.satstream.raster.vector;

import java.util.List;
import java.util.Objects;

import org.locationtech.jts.geom.util.AffineTransformation;
import org.locationtech.jts.geom.util.NoninvertibleTransformationException;

import io.satstream.raster.WebMercator;
import io.satstream.schemas.GeoReference;

/**
 * A raster's pixel grid: its size and the GDAL-ordered affine geotransform from pixel/line to CRS
 * coordinates (pixel-corner convention: pixel (i, j) spans [i, i+1) x [j, j+1) in pixel space).
 */
public record PixelGrid(int width, int height, List<Double> geoTransform) {

    public PixelGrid {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("grid size must be positive, got " + width + "x" + height);
        }
        Objects.requireNonNull(geoTransform, "geoTransform");
        if (geoTransform.size() != 6) {
            throw new IllegalArgumentException("a geotransform has 6 terms, got " + geoTransform.size());
        }
        geoTransform = List.copyOf(geoTransform);
        double det = geoTransform.get(1) * geoTransform.get(5) - geoTransform.get(2) * geoTransform.get(4);
        if (det == 0 || !Double.isFinite(det)) {
            throw new IllegalArgumentException("geotransform " + geoTransform + " is not invertible");
        }
    }

    /** A grid whose CRS coordinates are pixel coordinates (for rasters without georeferencing). */
    public static PixelGrid pixelSpace(int width, int height) {
        return new PixelGrid(width, height, List.of(0.0, 1.0, 0.0, 0.0, 0.0, 1.0));
    }

    /**
     * The grid of a georeferenced raster: its geotransform, or for an XYZ-only reference the Web Mercator
     * transform of the tile address.
     *
     * @throws IllegalArgumentException when the reference has neither
     */
    public static PixelGrid of(GeoReference georef, int width, int height) {
        if (georef != null && georef.getGeoTransform() != null) {
            return new PixelGrid(width, height, georef.getGeoTransform());
        }
        if (georef != null && georef.getXyz() != null) {
            return new PixelGrid(width, height, WebMercator.geoTransform(georef.getXyz(), width, height));
        }
        throw new IllegalArgumentException("no geotransform or XYZ address in " + georef);
    }

    /** The EPSG code of a reference as {@link #of} reads it (an XYZ-only reference is EPSG:3857), or null. */
    public static Integer epsgOf(GeoReference georef) {
        if (georef == null) {
            return null;
        }
        if (georef.getGeoTransform() == null && georef.getXyz() != null) {
            return WebMercator.EPSG;
        }
        return georef.getEpsg();
    }

    /** Pixel/line → CRS coordinates. */
    public AffineTransformation pixelToWorld() {
        List<Double> g = geoTransform;
        return new AffineTransformation(g.get(1), g.get(2), g.get(0), g.get(4), g.get(5), g.get(3));
    }

    /** CRS → pixel/line coordinates. */
    public AffineTransformation worldToPixel() {
        try {
            return pixelToWorld().getInverse();
        } catch (NoninvertibleTransformationException e) {
            throw new IllegalStateException("checked invertible in the constructor", e);
        }
    }

    /** Area of one pixel in CRS units. */
    public double pixelArea() {
        List<Double> g = geoTransform;
        return Math.abs(g.get(1) * g.get(5) - g.get(2) * g.get(4));
    }
}
