package io.satstream.raster.stitch;

import java.util.List;

import io.satstream.raster.MaskGeoTiff;
import io.satstream.raster.MaskPng;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;

/**
 * One scene's mask reassembled from its tiles.
 *
 * @param mask width*height class indices; {@link MaskValues#NO_DATA} where no tile covered the pixel (an
 *     incomplete scene) or no tile covering it had data there
 * @param georef the scene's georeference (the tiles' shifted back to the scene origin), or null
 * @param tiles how many tile masks went into it
 * @param uncoveredPixels pixels no tile covered; 0 when complete
 * @param noDataPixels pixels that are {@link MaskValues#NO_DATA}: the uncovered ones and those no covering
 *     tile had data for
 */
public record StitchedScene(String sceneId, int width, int height, byte[] mask, List<String> classNames,
        GeoReference georef, int tiles, long uncoveredPixels, long noDataPixels) {

    public boolean complete() {
        return uncoveredPixels == 0;
    }

    /** Deflate GeoTIFF; GDAL_NODATA is {@link MaskValues#NO_DATA}. */
    public byte[] geoTiff() {
        return MaskGeoTiff.encode(mask, width, height, georef);
    }

    /** Indexed PNG; no-data pixels (uncovered ones included) are transparent. */
    public byte[] png() {
        return MaskPng.encode(mask, width, height, classNames);
    }
}
