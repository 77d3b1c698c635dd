package io.satstream.raster.vector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.util.AffineTransformation;
import org.locationtech.jts.operation.union.UnaryUnionOp;
import org.locationtech.jts.simplify.TopologyPreservingSimplifier;

import io.satstream.raster.vector.internal.RunRectangles;
import io.satstream.schemas.MaskValues;

/**
 * Turns a class mask into polygons: per class, the pixels become row-run rectangles in pixel space, their
 * union (JTS) gives one polygon per connected region with its holes, and the geotransform maps them into
 * the grid's CRS. Pixels touching only at a corner are separate regions.
 *
 * <p>{@link MaskValues#NO_DATA} pixels are never vectorised, whatever the settings: they are holes in the
 * data, not a class.
 *
 * <p>Without simplification the polygons cover exactly the class's pixels, so rasterising them back with
 * {@link MaskRasterizer} gives the same mask (onto a background of the skipped value, e.g. no-data when
 * nothing else is skipped); collinear vertices along pixel edges are always dropped.
 */
public final class MaskVectorizer {

    /**
     * @param skipClasses class values not turned into polygons (typically the background);
     *     {@link MaskValues#NO_DATA} is skipped whether listed or not
     * @param simplifyTolerance Douglas-Peucker tolerance in pixels (topology kept); 0 only drops collinear
     *     vertices and keeps the exact pixel outline
     * @param minPixels regions covering fewer pixels are dropped (speckle)
     */
    public record Settings(Set<Integer> skipClasses, double simplifyTolerance, long minPixels) {
        public Settings {
            skipClasses = Set.copyOf(Objects.requireNonNull(skipClasses, "skipClasses"));
            if (!(simplifyTolerance >= 0) || Double.isInfinite(simplifyTolerance)) {
                throw new IllegalArgumentException("simplify tolerance must be >= 0 pixels, got " + simplifyTolerance);
            }
            if (minPixels < 0) {
                throw new IllegalArgumentException("minimum region size must be >= 0 pixels, got " + minPixels);
            }
        }

        /** Exact outlines of every class except value 0. */
        public static Settings exceptBackground() {
            return new Settings(Set.of(0), 0, 0);
        }
    }

    private MaskVectorizer() {}

    /**
     * @param mask width*height class values, row-major (grid size)
     * @return the regions, by class value, then by position (top-most, then left-most) — deterministic
     */
    public static List<ClassPolygon> vectorize(byte[] mask, PixelGrid grid, Settings settings) {
        Objects.requireNonNull(mask, "mask");
        int w = grid.width();
        int h = grid.height();
        if (mask.length != (long) w * h) {
            throw new IllegalArgumentException("mask holds " + mask.length + " values, but the grid " + w + "x" + h
                    + " needs " + (long) w * h);
        }
        boolean[] include = new boolean[256];
        for (int v = 0; v < 256; v++) {
            include[v] = !settings.skipClasses().contains(v);
        }
        include[MaskValues.NO_DATA] = false;
        GeometryFactory gf = new GeometryFactory();
        List<Polygon>[] rectangles = RunRectangles.cover(mask, w, h, include, gf);
        AffineTransformation toWorld = grid.pixelToWorld();
        List<ClassPolygon> out = new ArrayList<>();
        for (int value = 0; value < 256; value++) {
            if (rectangles[value] == null) {
                continue;
            }
            Geometry union = UnaryUnionOp.union(rectangles[value], gf);
            // Tolerance 0 still removes the collinear vertices the rectangle edges leave behind.
            Geometry outline = TopologyPreservingSimplifier.simplify(union, settings.simplifyTolerance());
            // The simplifier keeps every shell and hole, so part i of the outline is part i of the union.
            boolean sameParts = outline.getNumGeometries() == union.getNumGeometries();
            List<Polygon> regions = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (int i = 0; i < outline.getNumGeometries(); i++) {
                Polygon region = (Polygon) outline.getGeometryN(i);
                long pixels = Math.round((sameParts ? union.getGeometryN(i) : region).getArea());
                if (!region.isEmpty() && pixels >= settings.minPixels()) {
                    regions.add(region);
                    sizes.add(pixels);
                }
            }
            Integer[] order = new Integer[regions.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator
                    .<Integer>comparingDouble(i -> regions.get(i).getEnvelopeInternal().getMinY())
                    .thenComparingDouble(i -> regions.get(i).getEnvelopeInternal().getMinX()));
            for (int i : order) {
                out.add(new ClassPolygon(value, (Polygon) toWorld.transform(regions.get(i)), sizes.get(i)));
            }
        }
        return out;
    }
}
