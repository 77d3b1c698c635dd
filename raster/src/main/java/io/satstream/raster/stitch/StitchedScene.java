package io.satstream.raster.stitch;

import java.util.ArrayList;
import java.util.List;

import io.satstream.raster.MaskGeoTiff;
import io.satstream.raster.MaskPng;
import io.satstream.schemas.GeoReference;

/**
 * One scene's mask reassembled from its tiles.
 *
 * @param mask width*height class indices; where no tile covered a pixel (an incomplete scene), the value
 *     is {@link #uncoveredValue()}
 * @param georef the scene's georeference (the tiles' shifted back to the scene origin), or null
 * @param tiles how many tile masks went into it
 * @param uncoveredPixels pixels no tile covered; 0 when complete
 */
public record StitchedScene(String sceneId, int width, int height, byte[] mask, List<String> classNames,
        GeoReference georef, int tiles, long uncoveredPixels) {

    public boolean complete() {
        return uncoveredPixels == 0;
    }

    /** The value of pixels no tile covered: the first index after the classes. */
    public int uncoveredValue() {
        return classNames.size();
    }

    /** Deflate GeoTIFF; an incomplete scene marks its uncovered pixels as GDAL nodata. */
    public byte[] geoTiff() {
        return MaskGeoTiff.encode(mask, width, height, georef, complete() ? null : (double) uncoveredValue());
    }

    /** Indexed PNG; an incomplete scene gets an extra class "uncovered" for the pixels no tile covered. */
    public byte[] png() {
        List<String> names = classNames;
        if (!complete()) {
            names = new ArrayList<>(classNames);
            names.add("uncovered");
        }
        return MaskPng.encode(mask, width, height, names);
    }
}
