package io.satstream.ingest.stac.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.satstream.ingest.stac.EoBand;
import io.satstream.ingest.stac.StacAsset;
import io.satstream.ingest.stac.StacItem;
import io.satstream.raster.RasterImage;

/**
 * The band names of an asset, from what the catalogue says rather than what the file says: TIFF tags lie
 * (a PlanetScope 4-band analytic file is Blue, Green, Red, NIR but its PhotometricInterpretation=RGB makes
 * readers call bands 1-3 red, green, blue).
 *
 * <p>Order of trust: the asset's {@code eo:bands}; the item's {@code eo:bands} (STAC 1.0 puts them there
 * for single-asset items); a documented product layout ({@link #knownProduct}); then the decoder's names,
 * but only a plain 3-band RGB image keeps {@code red, green, blue}: any other photometric guess becomes
 * {@code band1..bandN}, so that a tile never claims a band order nobody stated.
 */
public final class BandNames {
    private static final List<String> RGB = List.of("red", "green", "blue");

    private BandNames() {}

    /** The names the catalogue declares for the asset, if it declares any. */
    public static Optional<List<String>> declared(StacItem item, StacAsset asset) {
        if (!asset.eoBands().isEmpty()) {
            return Optional.of(labels(asset.eoBands()));
        }
        if (!item.eoBands().isEmpty()) {
            return Optional.of(labels(item.eoBands()));
        }
        return knownProduct(item, asset);
    }

    /**
     * Product layouts that catalogues omit: Planet's PSScene4Band {@code analytic} asset is Blue, Green, Red,
     * NIR (Planet's product specification; the planet-disaster-stac data confirms it by band means).
     */
    static Optional<List<String>> knownProduct(StacItem item, StacAsset asset) {
        String itemType = item.property("pl:item_type").orElse("");
        boolean analytic = asset.key().equals("analytic") || asset.key().equals("analytic_sr");
        if ((itemType.equals("PSScene4Band") || itemType.equals("PSScene")) && analytic) {
            return Optional.of(List.of("blue", "green", "red", "nir"));
        }
        return Optional.empty();
    }

    /**
     * The names the decoded image's bands get.
     *
     * @throws IllegalArgumentException (one line) when the declared names do not fit the image's band count
     */
    public static List<String> resolve(StacItem item, StacAsset asset, RasterImage image) {
        Optional<List<String>> declared = declared(item, asset);
        if (declared.isPresent()) {
            List<String> names = declared.get();
            if (names.size() != image.bandCount()) {
                throw new IllegalArgumentException("asset " + asset.key() + " of item " + item.id() + " declares "
                        + names.size() + " bands " + names + " but the file has " + image.bandCount());
            }
            return names;
        }
        if (image.bands().equals(RGB)) {
            return RGB;
        }
        if (image.bandCount() == 1) {
            return image.bands(); // one band: "gray" (PNG/JPEG) or "band1" claims no order
        }
        List<String> generic = new ArrayList<>();
        for (int i = 1; i <= image.bandCount(); i++) {
            generic.add("band" + i);
        }
        return generic;
    }

    private static List<String> labels(List<EoBand> bands) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < bands.size(); i++) {
            String label = bands.get(i).label();
            out.add(label == null || label.isBlank() ? "band" + (i + 1) : label);
        }
        return out;
    }
}
