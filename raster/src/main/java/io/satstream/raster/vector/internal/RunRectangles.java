package io.satstream.raster.vector.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/**
 * Covers each class of a mask with axis-aligned rectangles in pixel space: the runs of equal values along
 * each row, with a run that repeats unchanged on the next row grown downwards instead of starting a new
 * rectangle (fewer, taller rectangles make the union cheaper). Coordinates are whole pixel edges, so the
 * later union is exact.
 */
public final class RunRectangles {
    private RunRectangles() {}

    /**
     * @param include which class values to cover (index = value)
     * @return per class value, its rectangles (null where excluded or absent)
     */
    public static List<Polygon>[] cover(byte[] mask, int width, int height, boolean[] include, GeometryFactory gf) {
        @SuppressWarnings("unchecked")
        List<Polygon>[] out = new List[256];
        // Open rectangles keyed by (x0, x1, value); those not continued on a row are closed.
        Map<Long, int[]> open = new HashMap<>();
        Map<Long, int[]> next = new HashMap<>();
        for (int y = 0; y <= height; y++) {
            next.clear();
            if (y < height) {
                int row = y * width;
                int x = 0;
                while (x < width) {
                    int value = mask[row + x] & 0xFF;
                    int start = x;
                    while (x < width && (mask[row + x] & 0xFF) == value) {
                        x++;
                    }
                    if (!include[value]) {
                        continue;
                    }
                    long key = ((long) start << 40) | ((long) x << 16) | value;
                    int[] rect = open.remove(key);
                    next.put(key, rect != null ? rect : new int[] {start, y, x, value});
                }
            }
            for (int[] rect : open.values()) {
                List<Polygon> list = out[rect[3]];
                if (list == null) {
                    list = out[rect[3]] = new ArrayList<>();
                }
                list.add(box(gf, rect[0], rect[1], rect[2], y));
            }
            Map<Long, int[]> swap = open;
            open = next;
            next = swap;
        }
        return out;
    }

    private static Polygon box(GeometryFactory gf, int x0, int y0, int x1, int y1) {
        return gf.createPolygon(new Coordinate[] {new Coordinate(x0, y0), new Coordinate(x1, y0),
            new Coordinate(x1, y1), new Coordinate(x0, y1), new Coordinate(x0, y0)});
    }
}
