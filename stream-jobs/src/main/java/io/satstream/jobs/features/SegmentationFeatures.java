package io.satstream.jobs.features;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.satstream.raster.vector.ClassPolygon;
import io.satstream.raster.vector.GeoJsonFeatures;
import io.satstream.raster.vector.MaskVectorizer;
import io.satstream.raster.vector.PixelGrid;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.TilePlacement;

/**
 * The conversion behind {@link VectorizeFunction}, free of Flink: one decoded segmentation → its GeoJSON. A
 * georeferenced tile always gets a collection; when its polygons were not computed the collection is empty and
 * says why. A tile without georeference gets none.
 */
final class SegmentationFeatures {

    /**
     * The result.
     *
     * @param geoJson the tile's FeatureCollection; null only when the tile is not georeferenced
     * @param skipped why the collection has no features although the mask may have regions (also written into the
     *     collection as {@code skipped}), or why there is no collection; null when every feature is there
     */
    record Result(byte[] geoJson, String skipped) {}

    /**
     * Most row runs (maximal same-class stretches of a row) per pixel that a mask may have to be
     * vectorised: polygon union cost grows with the runs, and a speckled mask from an untrained model
     * would otherwise stall the branch — and with it every checkpoint and so all committed output.
     */
    static final double MAX_RUNS_PER_PIXEL = 1.0 / 8;

    private final Set<String> skipClassNames;
    private final double simplifyTolerance;
    private final long minPixels;

    SegmentationFeatures(Set<String> skipClassNames, double simplifyTolerance, long minPixels) {
        Set<String> lower = new HashSet<>();
        skipClassNames.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
        this.skipClassNames = Set.copyOf(lower);
        this.simplifyTolerance = simplifyTolerance;
        this.minPixels = minPixels;
        new MaskVectorizer.Settings(Set.of(), simplifyTolerance, minPixels); // validates now, not per record
    }

    Result convert(Segmentation s, String modelVersion) {
        Integer epsg = PixelGrid.epsgOf(s.getGeoref());
        if (epsg == null || (s.getGeoref().getGeoTransform() == null && s.getGeoref().getXyz() == null)) {
            return new Result(null, "not georeferenced");
        }
        List<String> classes = s.getClassNames();
        GeoJsonFeatures.Origin origin = new GeoJsonFeatures.Origin(s.getTileId(), s.getSceneId(),
                modelVersion != null ? modelVersion : s.getModelName() + "@" + s.getModelVersion(), classes);
        try {
            return vectorise(s, epsg, origin);
        } catch (IllegalArgumentException e) {
            // E.g. a CRS proj4j cannot reproject: the coordinates cannot be written in EPSG:4326.
            return skipped(epsg, origin, e.getMessage());
        }
    }

    private Result vectorise(Segmentation s, int epsg, GeoJsonFeatures.Origin origin) {
        List<String> classes = origin.classNames();
        byte[] mask = bytes(s.getMask());
        int w = s.getWidth();
        int h = s.getHeight();
        if (mask.length != (long) w * h) {
            return skipped(epsg, origin, "mask of " + mask.length + " values does not fit " + w + "x" + h);
        }
        PixelGrid tileGrid = PixelGrid.of(s.getGeoref(), w, h);
        // Padding past the scene edge is not imagery: only the part inside the scene is vectorised. Padding is
        // at the right and bottom, so the origin (and the geotransform) stay the tile's.
        TilePlacement p = s.getPlacement();
        int wIn = p == null ? w : Math.max(0, Math.min(w, p.getSceneWidth() - p.getXOffset()));
        int hIn = p == null ? h : Math.max(0, Math.min(h, p.getSceneHeight() - p.getYOffset()));
        if (wIn == 0 || hIn == 0) {
            return skipped(epsg, origin, "the tile lies outside its scene");
        }
        if (wIn < w || hIn < h) {
            byte[] inner = new byte[wIn * hIn];
            for (int y = 0; y < hIn; y++) {
                System.arraycopy(mask, y * w, inner, y * wIn, wIn);
            }
            mask = inner;
        }
        long runs = countRuns(mask, wIn, hIn);
        long maxRuns = Math.max(64, (long) (MAX_RUNS_PER_PIXEL * wIn * hIn));
        if (runs > maxRuns) {
            return skipped(epsg, origin, "mask too fragmented to vectorise: " + runs + " row runs, limit " + maxRuns);
        }
        PixelGrid grid = new PixelGrid(wIn, hIn, tileGrid.geoTransform());
        Set<Integer> skip = new HashSet<>();
        // No-data pixels are no class: never a feature, whatever the vectoriser's own defaults.
        skip.add(MaskValues.NO_DATA);
        for (int i = 0; i < classes.size(); i++) {
            if (skipClassNames.contains(classes.get(i).toLowerCase(Locale.ROOT))) {
                skip.add(i);
            }
        }
        List<ClassPolygon> polygons = MaskVectorizer.vectorize(mask, grid,
                new MaskVectorizer.Settings(skip, simplifyTolerance, minPixels));
        return new Result(GeoJsonFeatures.inWgs84(polygons, epsg, origin, true), null);
    }

    private static Result skipped(int epsg, GeoJsonFeatures.Origin origin, String reason) {
        return new Result(GeoJsonFeatures.skipped(epsg, origin, reason), reason);
    }

    static long countRuns(byte[] mask, int w, int h) {
        long runs = 0;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            runs++;
            for (int x = 1; x < w; x++) {
                if (mask[row + x] != mask[row + x - 1]) {
                    runs++;
                }
            }
        }
        return runs;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
