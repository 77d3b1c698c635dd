package io.satstream.raster.internal;

import java.util.List;
import java.util.Locale;

import javax.imageio.plugins.tiff.GeoTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;

import io.satstream.schemas.GeoReference;

/**
 * Georeferencing and nodata to and from TIFF tags: ModelPixelScale (33550) + ModelTiepoint (33922) or
 * ModelTransformation (34264) for the affine transform, GeoKeyDirectory (34735) for the EPSG code, and
 * GDAL's private GDAL_NODATA (42113, ASCII).
 */
public final class GeoTiffTags {
    public static final int GDAL_NODATA = 42113;

    private GeoTiffTags() {}

    /** The georeference the tags describe, or null when the TIFF carries neither a transform nor a CRS. */
    public static GeoReference readGeoReference(TIFFDirectory dir) {
        List<Double> transform = readGeoTransform(dir);
        Integer epsg = null;
        TIFFField keys = dir.getTIFFField(GeoTIFFTagSet.TAG_GEO_KEY_DIRECTORY);
        if (keys != null) {
            int[] directory = new int[keys.getCount()];
            for (int i = 0; i < directory.length; i++) {
                directory[i] = keys.getAsInt(i);
            }
            epsg = GeoKeyDirectory.epsg(directory).orElse(null);
        }
        if (transform == null && epsg == null) {
            return null;
        }
        return GeoReference.newBuilder().setEpsg(epsg).setGeoTransform(transform).setXyz(null).build();
    }

    /** GDAL-order geotransform {@code [x0, sx, rx, y0, ry, sy]} for the pixel-corner convention, or null. */
    static List<Double> readGeoTransform(TIFFDirectory dir) {
        TIFFField matrix = dir.getTIFFField(GeoTIFFTagSet.TAG_MODEL_TRANSFORMATION);
        if (matrix != null && matrix.getCount() == 16) {
            double[] m = matrix.getAsDoubles();
            return List.of(m[3], m[0], m[1], m[7], m[4], m[5]);
        }
        TIFFField scale = dir.getTIFFField(GeoTIFFTagSet.TAG_MODEL_PIXEL_SCALE);
        TIFFField tiepoint = dir.getTIFFField(GeoTIFFTagSet.TAG_MODEL_TIE_POINT);
        // several tiepoints are ground control points, not an affine transform: leave those alone
        if (scale == null || tiepoint == null || scale.getCount() < 2 || tiepoint.getCount() != 6) {
            return null;
        }
        double[] s = scale.getAsDoubles();
        double[] t = tiepoint.getAsDoubles();
        double sx = s[0];
        double sy = s[1];
        return List.of(t[3] - t[0] * sx, sx, 0.0, t[4] + t[1] * sy, 0.0, -sy);
    }

    /** The GDAL_NODATA value, or null when absent ("nan" and "inf" are accepted as GDAL writes them). */
    public static Double readNodata(TIFFDirectory dir) {
        TIFFField field = dir.getTIFFField(GDAL_NODATA);
        if (field == null || field.getCount() == 0) {
            return null;
        }
        String text = field.getAsString(0).replace("\0", "").strip().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            return null;
        }
        switch (text) {
            case "nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    return null; // an unreadable nodata is the same as none; the pixels are still fine
                }
            }
        }
    }

    /**
     * Adds the georeferencing tags for {@code georef} to a directory about to be written. A north-up
     * transform is written as scale + tiepoint (what most readers expect), a rotated one as a matrix.
     */
    public static void write(TIFFDirectory dir, GeoReference georef, Double nodata) {
        if (georef != null) {
            List<Double> gt = georef.getGeoTransform();
            if (gt != null) {
                if (gt.size() != 6) {
                    throw new IllegalArgumentException("a geotransform has 6 numbers, got " + gt.size());
                }
                writeTransform(dir, gt);
            }
            if (georef.getEpsg() != null) {
                char[] keys = GeoKeyDirectory.forEpsg(georef.getEpsg());
                dir.addTIFFField(new TIFFField(geoTag(GeoTIFFTagSet.TAG_GEO_KEY_DIRECTORY), TIFFTag.TIFF_SHORT,
                        keys.length, keys));
            }
        }
        if (nodata != null) {
            TIFFTag tag = new TIFFTag("GDAL_NODATA", GDAL_NODATA, 1 << TIFFTag.TIFF_ASCII);
            dir.addTIFFField(new TIFFField(tag, TIFFTag.TIFF_ASCII, 1, new String[] {formatNodata(nodata)}));
        }
    }

    private static void writeTransform(TIFFDirectory dir, List<Double> gt) {
        double x0 = gt.get(0);
        double sx = gt.get(1);
        double rx = gt.get(2);
        double y0 = gt.get(3);
        double ry = gt.get(4);
        double sy = gt.get(5);
        if (rx == 0.0 && ry == 0.0) {
            double[] scale = {sx, -sy, 0.0};
            double[] tiepoint = {0.0, 0.0, 0.0, x0, y0, 0.0};
            dir.addTIFFField(doubles(GeoTIFFTagSet.TAG_MODEL_PIXEL_SCALE, scale));
            dir.addTIFFField(doubles(GeoTIFFTagSet.TAG_MODEL_TIE_POINT, tiepoint));
        } else {
            double[] matrix = {sx, rx, 0, x0, ry, sy, 0, y0, 0, 0, 0, 0, 0, 0, 0, 1};
            dir.addTIFFField(doubles(GeoTIFFTagSet.TAG_MODEL_TRANSFORMATION, matrix));
        }
    }

    private static TIFFField doubles(int tagNumber, double[] values) {
        return new TIFFField(geoTag(tagNumber), TIFFTag.TIFF_DOUBLE, values.length, values);
    }

    private static TIFFTag geoTag(int number) {
        return GeoTIFFTagSet.getInstance().getTag(number);
    }

    private static String formatNodata(double nodata) {
        if (Double.isNaN(nodata)) {
            return "nan";
        }
        if (nodata == Math.rint(nodata) && Math.abs(nodata) < 1e15) {
            return Long.toString((long) nodata);
        }
        return Double.toString(nodata);
    }
}
