package io.satstream.raster.stitch;

import java.util.ArrayList;
import java.util.List;

import io.satstream.raster.RasterImage;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.TilePlacement;

/**
 * Test-side tiling (module raster must not depend on ingest's Tiler): windows of {@code tile} pixels every
 * {@code tile - overlap} pixels, and a model that classifies each pixel from a box around it.
 */
final class SceneCutter {
    /** Where the last window of a row or column goes. */
    enum LastWindow { PADDED_PAST_EDGE, SHIFTED_INSIDE }

    record Window(int row, int col, int x, int y) {}

    private SceneCutter() {}

    static List<Window> windows(int width, int height, int tile, int overlap, LastWindow last) {
        List<Integer> xs = offsets(width, tile, overlap, last);
        List<Integer> ys = offsets(height, tile, overlap, last);
        List<Window> out = new ArrayList<>();
        for (int r = 0; r < ys.size(); r++) {
            for (int c = 0; c < xs.size(); c++) {
                out.add(new Window(r, c, xs.get(c), ys.get(r)));
            }
        }
        return out;
    }

    private static List<Integer> offsets(int size, int tile, int overlap, LastWindow last) {
        int stride = tile - overlap;
        List<Integer> out = new ArrayList<>();
        for (int o = 0; ; o += stride) {
            if (o + tile >= size) {
                out.add(last == LastWindow.SHIFTED_INSIDE && size >= tile ? size - tile : o);
                return out;
            }
            out.add(o);
        }
    }

    /** Sum over bands of each pixel: a pointwise function, so cutting it equals computing it on the tile. */
    static double[] bandSum(RasterImage image) {
        double[] out = new double[image.pixelCount()];
        for (int b = 0; b < image.bandCount(); b++) {
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    out[y * image.width() + x] += image.sample(b, x, y);
                }
            }
        }
        return out;
    }

    /** The window's values; outside the scene they are 0, the scenes' nodata (as a tiler pads). */
    static double[] cut(double[] scene, int width, int height, Window w, int tile) {
        double[] out = new double[tile * tile];
        for (int y = 0; y < tile; y++) {
            for (int x = 0; x < tile; x++) {
                int sx = w.x() + x;
                int sy = w.y() + y;
                if (sx < width && sy < height) {
                    out[y * tile + x] = scene[sy * width + sx];
                }
            }
        }
        return out;
    }

    /** The tile's georeference: the scene transform moved to the window origin, rotation terms kept. */
    static GeoReference tileGeoref(GeoReference scene, Window w) {
        List<Double> t = scene.getGeoTransform();
        return GeoReference.newBuilder().setEpsg(scene.getEpsg()).setXyz(null)
                .setGeoTransform(List.of(t.get(0) + w.x() * t.get(1) + w.y() * t.get(2), t.get(1), t.get(2),
                        t.get(3) + w.x() * t.get(4) + w.y() * t.get(5), t.get(4), t.get(5)))
                .build();
    }

    static TilePlacement placement(Window w, int width, int height, int overlap) {
        return TilePlacement.newBuilder().setRow(w.row()).setCol(w.col()).setXOffset(w.x()).setYOffset(w.y())
                .setSceneWidth(width).setSceneHeight(height).setOverlap(overlap).build();
    }

    /**
     * An exactly translation-equivariant classifier: the sum over a (2r+1)² box (zero outside the array, as
     * a convolution pads) compared with two thresholds gives class 0, 1 or 2.
     */
    static byte[] boxClassifier(double[] values, int width, int height, int radius, double low, double high) {
        double[] integral = new double[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++) {
            double rowSum = 0;
            for (int x = 0; x < width; x++) {
                rowSum += values[y * width + x];
                integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + rowSum;
            }
        }
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int y0 = Math.max(0, y - radius);
            int y1 = Math.min(height, y + radius + 1);
            for (int x = 0; x < width; x++) {
                int x0 = Math.max(0, x - radius);
                int x1 = Math.min(width, x + radius + 1);
                double s = integral[y1 * (width + 1) + x1] - integral[y0 * (width + 1) + x1]
                        - integral[y1 * (width + 1) + x0] + integral[y0 * (width + 1) + x0];
                out[y * width + x] = (byte) (s < low ? 0 : s < high ? 1 : 2);
            }
        }
        return out;
    }
}
