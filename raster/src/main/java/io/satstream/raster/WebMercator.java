package io.satstream.raster;

import java.util.List;

import io.satstream.schemas.XyzAddress;

/** Web Mercator (EPSG:3857) arithmetic for XYZ tiles (origin top-left, as slippy maps). */
public final class WebMercator {
    public static final int EPSG = 3857;
    /** Half the projected width of the world: pi * 6378137 m. */
    public static final double HALF_WORLD = Math.PI * 6378137.0;
    private static final double EARTH_RADIUS = 6378137.0;

    private WebMercator() {}

    /** Width of one XYZ tile at {@code zoom}, in metres. */
    public static double tileSpan(int zoom) {
        checkZoom(zoom);
        return 2 * HALF_WORLD / (1L << zoom);
    }

    /** GDAL geotransform of an XYZ tile rendered as {@code width x height} pixels. */
    public static List<Double> geoTransform(XyzAddress tile, int width, int height) {
        double span = tileSpan(tile.getZ());
        long tiles = 1L << tile.getZ();
        if (tile.getX() < 0 || tile.getX() >= tiles || tile.getY() < 0 || tile.getY() >= tiles) {
            throw new IllegalArgumentException("tile " + tile.getZ() + "/" + tile.getX() + "/" + tile.getY()
                    + " is outside the zoom level's " + tiles + "x" + tiles + " grid");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("tile size must be positive, got " + width + "x" + height);
        }
        double originX = -HALF_WORLD + tile.getX() * span;
        double originY = HALF_WORLD - tile.getY() * span;
        return List.of(originX, span / width, 0.0, originY, 0.0, -span / height);
    }

    /** The XYZ tile at {@code zoom} containing the projected point (x, y). */
    public static XyzAddress tileContaining(double x, double y, int zoom) {
        double span = tileSpan(zoom);
        long tiles = 1L << zoom;
        long col = (long) Math.floor((x + HALF_WORLD) / span);
        long row = (long) Math.floor((HALF_WORLD - y) / span);
        if (col < 0 || col >= tiles || row < 0 || row >= tiles) {
            throw new IllegalArgumentException("point (" + x + ", " + y + ") is outside the Web Mercator square");
        }
        return XyzAddress.newBuilder().setZ(zoom).setX((int) col).setY((int) row).build();
    }

    /** Projects longitude/latitude in degrees (WGS 84) to metres: {@code [x, y]}. */
    public static double[] project(double longitude, double latitude) {
        if (Math.abs(latitude) > 85.05112878) {
            throw new IllegalArgumentException("latitude " + latitude + " is outside Web Mercator's +-85.05 degrees");
        }
        double x = Math.toRadians(longitude) * EARTH_RADIUS;
        double y = Math.log(Math.tan(Math.PI / 4 + Math.toRadians(latitude) / 2)) * EARTH_RADIUS;
        return new double[] {x, y};
    }

    /** Inverse of {@link #project}: {@code [longitude, latitude]} in degrees. */
    public static double[] unproject(double x, double y) {
        double longitude = Math.toDegrees(x / EARTH_RADIUS);
        double latitude = Math.toDegrees(2 * Math.atan(Math.exp(y / EARTH_RADIUS)) - Math.PI / 2);
        return new double[] {longitude, latitude};
    }

    private static void checkZoom(int zoom) {
        if (zoom < 0 || zoom > 30) {
            throw new IllegalArgumentException("zoom must be 0..30, got " + zoom);
        }
    }
}
