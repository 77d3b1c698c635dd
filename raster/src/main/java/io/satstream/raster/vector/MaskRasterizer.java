package io.satstream.raster.vector;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.AffineTransformation;

import io.satstream.schemas.MaskValues;

/**
 * Burns polygons into a uint8 mask on a {@link PixelGrid} by the pixel-centre rule, as {@code gdal_rasterize}
 * does by default (not all-touched): a pixel takes a shape's value when its centre lies inside the shape.
 * Shapes are burnt in list order, so a later shape overwrites an earlier one where they overlap.
 *
 * <p>A centre exactly on a boundary follows GDAL's half-open scanline rule (left and top edges in, right
 * and bottom edges out), decided by testing the point nudged right and down.
 */
public final class MaskRasterizer {
    /** Nudge for boundary centres, in pixels: far below any real coordinate difference on the grid. */
    private static final double NUDGE = 1e-7;

    /** A shape and the value its pixels get. Only its polygonal parts are burnt. */
    public record Burn(Geometry geometry, int value) {
        public Burn {
            Objects.requireNonNull(geometry, "geometry");
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException("burn value must be 0..255, got " + value);
            }
        }
    }

    private MaskRasterizer() {}

    /** Burns every shape with the same value; the background is 0. */
    public static byte[] rasterize(List<? extends Geometry> shapes, int value, PixelGrid grid) {
        return rasterize(shapes.stream().map(g -> new Burn(g, value)).toList(), grid);
    }

    /** @return width*height values, row-major; 0 where no shape covers a pixel centre */
    public static byte[] rasterize(List<Burn> burns, PixelGrid grid) {
        return rasterize(burns, grid, 0);
    }

    /**
     * @param background the value where no shape covers a pixel centre, e.g. {@link MaskValues#NO_DATA} to
     *     rebuild a mask whose every class was vectorised
     * @return width*height values, row-major
     */
    public static byte[] rasterize(List<Burn> burns, PixelGrid grid, int background) {
        if (background < 0 || background > 255) {
            throw new IllegalArgumentException("background value must be 0..255, got " + background);
        }
        int w = grid.width();
        int h = grid.height();
        byte[] mask = new byte[Math.multiplyExact(w, h)];
        if (background != 0) {
            Arrays.fill(mask, (byte) background);
        }
        AffineTransformation toPixel = grid.worldToPixel();
        for (Burn burn : burns) {
            Geometry shape = toPixel.transform(burn.geometry());
            if (shape.isEmpty() || !(shape instanceof Polygonal)) {
                continue;
            }
            burn(mask, w, h, shape, (byte) burn.value());
        }
        return mask;
    }

    private static void burn(byte[] mask, int w, int h, Geometry shape, byte value) {
        Envelope env = shape.getEnvelopeInternal();
        // Pixels whose centre (i + 0.5) can lie in the envelope; scanning only those keeps this linear in
        // the shape's size rather than the grid's.
        int x0 = Math.max(0, (int) Math.ceil(env.getMinX() - 0.5));
        int x1 = Math.min(w - 1, (int) Math.floor(env.getMaxX() - 0.5));
        int y0 = Math.max(0, (int) Math.ceil(env.getMinY() - 0.5));
        int y1 = Math.min(h - 1, (int) Math.floor(env.getMaxY() - 0.5));
        if (x0 > x1 || y0 > y1) {
            return;
        }
        IndexedPointInAreaLocator locator = new IndexedPointInAreaLocator(shape);
        Coordinate centre = new Coordinate();
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                centre.x = x + 0.5;
                centre.y = y + 0.5;
                int where = locator.locate(centre);
                if (where == Location.BOUNDARY) {
                    centre.x += NUDGE;
                    centre.y += NUDGE;
                    where = locator.locate(centre);
                }
                if (where == Location.INTERIOR) {
                    mask[y * w + x] = value;
                }
            }
        }
    }
}
