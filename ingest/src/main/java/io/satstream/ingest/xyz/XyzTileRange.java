package io.satstream.ingest.xyz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.satstream.raster.WebMercator;
import io.satstream.schemas.XyzAddress;

/** The XYZ tiles at one zoom that cover a lon/lat bounding box, inclusive on both ends. */
public record XyzTileRange(int zoom, int minX, int minY, int maxX, int maxY) {
    /** Web Mercator stops short of the poles; a bbox reaching further is clamped to this latitude. */
    static final double MAX_LATITUDE = 85.0511287798;

    /**
     * @param bbox {@code [minLon, minLat, maxLon, maxLat]} in degrees (EPSG:4326); a box across the
     *     antimeridian (minLon > maxLon) is refused rather than guessed
     */
    public static XyzTileRange covering(double[] bbox, int zoom) {
        if (bbox == null || bbox.length != 4) {
            throw new IllegalArgumentException("bbox needs 4 numbers: minLon,minLat,maxLon,maxLat");
        }
        double w = bbox[0], s = bbox[1], e = bbox[2], n = bbox[3];
        if (!(w < e) || !(s < n) || w < -180 || e > 180 || s < -90 || n > 90) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "bbox %s,%s,%s,%s is not minLon<maxLon, minLat<maxLat within -180..180, -90..90", w, s, e, n));
        }
        if (zoom < 0 || zoom > 30) {
            throw new IllegalArgumentException("zoom must be 0..30, got " + zoom);
        }
        double[] nw = WebMercator.project(w, Math.min(n, MAX_LATITUDE));
        double[] se = WebMercator.project(e, Math.max(s, -MAX_LATITUDE));
        long last = (1L << zoom) - 1;
        double span = WebMercator.tileSpan(zoom);
        int minX = (int) clamp((long) Math.floor((nw[0] + WebMercator.HALF_WORLD) / span), last);
        int minY = (int) clamp((long) Math.floor((WebMercator.HALF_WORLD - nw[1]) / span), last);
        // an east or south edge exactly on a tile boundary does not pull in the next tile
        int maxX = (int) clamp((long) Math.ceil((se[0] + WebMercator.HALF_WORLD) / span) - 1, last);
        int maxY = (int) clamp((long) Math.ceil((WebMercator.HALF_WORLD - se[1]) / span) - 1, last);
        return new XyzTileRange(zoom, minX, minY, Math.max(minX, maxX), Math.max(minY, maxY));
    }

    private static long clamp(long v, long last) {
        return Math.max(0, Math.min(last, v));
    }

    public long count() {
        return (long) (maxX - minX + 1) * (maxY - minY + 1);
    }

    /** Row-major (north to south, west to east). */
    public List<XyzAddress> addresses() {
        if (count() > Integer.MAX_VALUE) {
            throw new IllegalStateException(count() + " tiles cannot be listed");
        }
        List<XyzAddress> out = new ArrayList<>((int) count());
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                out.add(XyzAddress.newBuilder().setZ(zoom).setX(x).setY(y).build());
            }
        }
        return out;
    }
}
