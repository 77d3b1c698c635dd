package io.satstream.ingest.stac.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.satstream.ingest.stac.AssetChoice;
import io.satstream.ingest.stac.StacAsset;
import io.satstream.ingest.stac.StacItem;

/**
 * Picks the asset of an item to tile. With a key: that asset. With bands: among the image assets whose
 * declared bands hold all of them, the one with the most preferred role; when no asset declares bands,
 * the role order decides and the bands are checked after decoding. Otherwise: the first asset having the
 * first preferred role (role {@code data}, then {@code analytic}, then {@code visual}), a role name also
 * matching an asset key (pre-1.0 catalogues use keys like {@code analytic} without roles).
 */
public final class AssetSelector {
    /** Roles of assets that are never the scene itself. */
    private static final List<String> NOT_IMAGERY = List.of("thumbnail", "overview", "metadata");

    private AssetSelector() {}

    /** The chosen asset, or a one-line reason why there is none. */
    public static Result select(StacItem item, AssetChoice choice) {
        if (choice.assetKey() != null) {
            StacAsset asset = item.assets().get(choice.assetKey());
            return asset != null ? Result.of(asset)
                    : Result.none("item " + item.id() + " has no asset '" + choice.assetKey() + "' (assets: "
                            + String.join(", ", item.assets().keySet()) + ")");
        }
        List<StacAsset> ordered = byRole(item, choice.roles());
        if (ordered.isEmpty()) {
            return Result.none("item " + item.id() + " has no asset with role " + String.join("/", choice.roles())
                    + " (assets: " + String.join(", ", item.assets().keySet()) + ")");
        }
        if (!choice.bands().isEmpty()) {
            boolean anyDeclared = false;
            for (StacAsset asset : ordered) {
                Optional<List<String>> declared = BandNames.declared(item, asset);
                if (declared.isPresent()) {
                    anyDeclared = true;
                    if (declared.get().containsAll(choice.bands())) {
                        return Result.of(asset);
                    }
                }
            }
            if (anyDeclared && ordered.stream().allMatch(a -> BandNames.declared(item, a).isPresent())) {
                List<String> have = new ArrayList<>();
                ordered.forEach(a -> have.add(a.key() + ": " + BandNames.declared(item, a).orElseThrow()));
                return Result.none("no asset of item " + item.id() + " has bands " + choice.bands() + " ("
                        + String.join("; ", have) + ")");
            }
            // Some candidates declare nothing: the first of them is decoded and its bands checked then.
            for (StacAsset asset : ordered) {
                if (BandNames.declared(item, asset).isEmpty()) {
                    return Result.of(asset);
                }
            }
        }
        return Result.of(ordered.get(0));
    }

    /** Image-like assets in role-preference order (document order within one role). */
    static List<StacAsset> byRole(StacItem item, List<String> roles) {
        List<StacAsset> out = new ArrayList<>();
        for (String role : roles) {
            for (StacAsset asset : item.assets().values()) {
                boolean matches = asset.hasRole(role) || (asset.roles().isEmpty() && asset.key().equalsIgnoreCase(role));
                if (matches && !out.contains(asset) && NOT_IMAGERY.stream().noneMatch(asset::hasRole)) {
                    out.add(asset);
                }
            }
        }
        return out;
    }

    /** An asset, or why there is none. */
    public record Result(StacAsset asset, String reason) {
        static Result of(StacAsset asset) {
            return new Result(asset, null);
        }

        static Result none(String reason) {
            return new Result(null, reason);
        }

        public boolean found() {
            return asset != null;
        }
    }
}
