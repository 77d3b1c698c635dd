package io.satstream.ingest.stac;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a feed picks the one asset of an item it tiles, and which bands it keeps.
 *
 * @param assetKey an explicit asset key ({@code --asset}), or null
 * @param bands band names to keep, in this order ({@code --bands red,green,blue}), or empty for all bands
 *     in the asset's own order; matched against {@code eo:bands} common names (then names)
 * @param roles role preference when no key is given: the first asset having the first role wins
 */
public record AssetChoice(String assetKey, List<String> bands, List<String> roles) {
    public static final List<String> DEFAULT_ROLES = List.of("data", "analytic", "visual");

    public AssetChoice {
        bands = bands == null ? List.of() : bands.stream().map(b -> b.trim().toLowerCase(Locale.ROOT)).toList();
        if (bands.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("empty band name in " + bands);
        }
        if (bands.stream().distinct().count() != bands.size()) {
            throw new IllegalArgumentException("band names repeat in " + bands);
        }
        roles = List.copyOf(Objects.requireNonNull(roles, "roles"));
        if (assetKey != null && assetKey.isBlank()) {
            throw new IllegalArgumentException("asset key must not be blank");
        }
    }

    public static AssetChoice byRole() {
        return new AssetChoice(null, List.of(), DEFAULT_ROLES);
    }

    public static AssetChoice byKey(String key) {
        return new AssetChoice(key, List.of(), DEFAULT_ROLES);
    }

    public static AssetChoice byBands(List<String> bands) {
        return new AssetChoice(null, bands, DEFAULT_ROLES);
    }

    public AssetChoice withBands(List<String> newBands) {
        return new AssetChoice(assetKey, newBands, roles);
    }
}
