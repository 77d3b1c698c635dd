package io.satstream.raster.vector.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.CoordinateReferenceSystem;
import org.locationtech.proj4j.CoordinateTransform;
import org.locationtech.proj4j.CoordinateTransformFactory;
import org.locationtech.proj4j.ProjCoordinate;

/**
 * Reprojects geometries from an EPSG CRS to EPSG:4326 with proj4j (its bundled EPSG list, no network).
 * Output axis order is x = longitude, y = latitude, as GeoJSON wants. CRS definitions are cached; a
 * transform is made per call because proj4j transforms keep scratch state and are not thread-safe.
 */
public final class Wgs84Reprojection {
    public static final int WGS84 = 4326;
    private static final CRSFactory FACTORY = new CRSFactory();
    private static final CoordinateTransformFactory TRANSFORMS = new CoordinateTransformFactory();
    private static final Map<Integer, CoordinateReferenceSystem> CRS = new ConcurrentHashMap<>();

    private Wgs84Reprojection() {}

    /**
     * @return a reprojected copy (the input itself when it is already EPSG:4326)
     * @throws IllegalArgumentException when proj4j does not know the EPSG code
     */
    public static Geometry toWgs84(Geometry geometry, int epsg) {
        if (epsg == WGS84) {
            return geometry;
        }
        CoordinateTransform transform = TRANSFORMS.createTransform(crs(epsg), crs(WGS84));
        Geometry copy = geometry.copy();
        copy.apply(new CoordinateSequenceFilter() {
            private final ProjCoordinate in = new ProjCoordinate();
            private final ProjCoordinate out = new ProjCoordinate();

            @Override
            public void filter(CoordinateSequence seq, int i) {
                in.x = seq.getX(i);
                in.y = seq.getY(i);
                transform.transform(in, out);
                seq.setOrdinate(i, CoordinateSequence.X, out.x);
                seq.setOrdinate(i, CoordinateSequence.Y, out.y);
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public boolean isGeometryChanged() {
                return true;
            }
        });
        return copy;
    }

    private static CoordinateReferenceSystem crs(int epsg) {
        return CRS.computeIfAbsent(epsg, code -> {
            try {
                return FACTORY.createFromName("EPSG:" + code);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot reproject from EPSG:" + code + " (unknown to proj4j: "
                        + e.getMessage() + ")", e);
            }
        });
    }
}
