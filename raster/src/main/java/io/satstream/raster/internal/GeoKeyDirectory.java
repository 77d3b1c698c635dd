package io.satstream.raster.internal;

import java.util.Optional;

/**
 * The GeoTIFF GeoKeyDirectory (tag 34735): a header of 4 shorts, then 4 shorts per key
 * (key id, location tag, count, value). Only keys stored inline (location 0) are read here.
 */
public final class GeoKeyDirectory {
    public static final int GT_MODEL_TYPE = 1024;
    public static final int GT_RASTER_TYPE = 1025;
    public static final int GEOGRAPHIC_TYPE = 2048;
    public static final int PROJECTED_CS_TYPE = 3072;

    private static final int MODEL_TYPE_PROJECTED = 1;
    private static final int MODEL_TYPE_GEOGRAPHIC = 2;
    private static final int RASTER_PIXEL_IS_AREA = 1;
    private static final int USER_DEFINED = 32767;

    private GeoKeyDirectory() {}

    /** The inline value of {@code keyId}, if the directory holds one. */
    public static Optional<Integer> value(int[] directory, int keyId) {
        if (directory.length < 4) {
            return Optional.empty();
        }
        int keys = directory[3];
        for (int k = 0; k < keys; k++) {
            int at = 4 + 4 * k;
            if (at + 3 >= directory.length) {
                break;
            }
            if (directory[at] == keyId && directory[at + 1] == 0 && directory[at + 2] == 1) {
                return Optional.of(directory[at + 3]);
            }
        }
        return Optional.empty();
    }

    /** The EPSG code of the CRS: the projected CRS key, else the geographic one; none when user-defined. */
    public static Optional<Integer> epsg(int[] directory) {
        Optional<Integer> projected = value(directory, PROJECTED_CS_TYPE).filter(GeoKeyDirectory::isCode);
        return projected.isPresent() ? projected : value(directory, GEOGRAPHIC_TYPE).filter(GeoKeyDirectory::isCode);
    }

    /** A directory naming {@code epsg} as the CRS, with PixelIsArea (the GDAL geotransform's convention). */
    public static char[] forEpsg(int epsg) {
        if (!isCode(epsg) || epsg > 0xFFFF) {
            throw new IllegalArgumentException("EPSG code " + epsg + " cannot be written as a GeoTIFF key");
        }
        boolean geographic = isGeographic(epsg);
        return new char[] {
            1, 1, 0, 3,
            GT_MODEL_TYPE, 0, 1, (char) (geographic ? MODEL_TYPE_GEOGRAPHIC : MODEL_TYPE_PROJECTED),
            GT_RASTER_TYPE, 0, 1, RASTER_PIXEL_IS_AREA,
            (char) (geographic ? GEOGRAPHIC_TYPE : PROJECTED_CS_TYPE), 0, 1, (char) epsg,
        };
    }

    /**
     * EPSG puts geographic 2D CRSs (WGS 84 = 4326, NAD83 = 4269, ETRS89 = 4258, ...) in 4000-4999; projected
     * CRSs live in 2000-3999 and from 5000 up. Good enough without carrying the EPSG database.
     */
    static boolean isGeographic(int epsg) {
        return epsg >= 4000 && epsg < 5000;
    }

    private static boolean isCode(int value) {
        return value > 0 && value != USER_DEFINED;
    }
}
