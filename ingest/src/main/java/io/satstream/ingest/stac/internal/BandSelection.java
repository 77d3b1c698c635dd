package io.satstream.ingest.stac.internal;

import java.util.ArrayList;
import java.util.List;

import io.satstream.raster.RasterImage;

/** Renames an image's bands and keeps (and reorders) the requested ones: planes are copied whole. */
public final class BandSelection {
    private BandSelection() {}

    /**
     * @param names the image's band names (same count as its bands)
     * @param wanted the bands to keep in order, or empty for all
     * @throws IllegalArgumentException (one line) naming a wanted band the image lacks
     */
    public static RasterImage apply(RasterImage image, List<String> names, List<String> wanted) {
        if (names.size() != image.bandCount()) {
            throw new IllegalArgumentException(names.size() + " band names for " + image.bandCount() + " bands");
        }
        if (wanted.isEmpty()) {
            return names.equals(image.bands()) ? image : new RasterImage(image.width(), image.height(), names,
                    image.dataType(), image.pixels(), image.nodata(), image.georef());
        }
        int plane = image.pixelCount() * RasterImage.bytesPerSample(image.dataType());
        byte[] out = new byte[plane * wanted.size()];
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            int index = names.indexOf(wanted.get(i));
            if (index < 0) {
                throw new IllegalArgumentException("no band '" + wanted.get(i) + "' among " + names);
            }
            System.arraycopy(image.pixels(), index * plane, out, i * plane, plane);
            kept.add(wanted.get(i));
        }
        return new RasterImage(image.width(), image.height(), kept, image.dataType(), out, image.nodata(),
                image.georef());
    }
}
