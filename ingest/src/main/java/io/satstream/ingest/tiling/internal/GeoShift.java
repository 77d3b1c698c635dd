package io.satstream.ingest.tiling.internal;

import java.util.List;

import io.satstream.raster.WebMercator;
import io.satstream.schemas.GeoReference;

/** The georeference of a window of a scene: same CRS, geotransform origin moved to the window's corner. */
public final class GeoShift {
    private GeoShift() {}

    /**
     * @param wholeScene the window is exactly the scene (no padding): only then is the scene's XYZ address
     *     also the tile's
     * @return null when the scene has none
     */
    public static GeoReference forWindow(GeoReference scene, int sceneWidth, int sceneHeight, int xOffset,
            int yOffset, boolean wholeScene) {
        if (scene == null) {
            return null;
        }
        Integer epsg = scene.getEpsg();
        List<Double> gt = scene.getGeoTransform();
        if (gt == null && scene.getXyz() != null) {
            // an XYZ-only scene: its Web Mercator transform lets windows of it be placed too
            gt = WebMercator.geoTransform(scene.getXyz(), sceneWidth, sceneHeight);
            epsg = WebMercator.EPSG;
        }
        return GeoReference.newBuilder()
                .setEpsg(epsg)
                .setGeoTransform(gt == null ? null : shift(gt, xOffset, yOffset))
                .setXyz(wholeScene ? scene.getXyz() : null)
                .build();
    }

    /**
     * GDAL's affine: X = gt0 + px*gt1 + py*gt2, Y = gt3 + px*gt4 + py*gt5, evaluated at the window's
     * top-left corner; offset 0 returns the scene's numbers untouched (bit-exact).
     */
    public static List<Double> shift(List<Double> gt, int xOffset, int yOffset) {
        if (gt.size() != 6) {
            throw new IllegalArgumentException("a geotransform has 6 numbers, got " + gt.size());
        }
        double x0 = gt.get(0) + xOffset * gt.get(1) + yOffset * gt.get(2);
        double y0 = gt.get(3) + xOffset * gt.get(4) + yOffset * gt.get(5);
        return List.of(x0, gt.get(1), gt.get(2), y0, gt.get(4), gt.get(5));
    }
}
