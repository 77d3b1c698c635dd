package io.satstream.ingest.stac;

import java.net.URI;
import java.util.List;

/**
 * One asset of a STAC item.
 *
 * @param href absolute: a relative href is already resolved against the item document's URL
 * @param type the declared media type, or null; informative only (Planet's "cloud-optimized" GeoTIFFs are not)
 * @param eoBands the asset's own {@code eo:bands}, empty when it declares none
 */
public record StacAsset(String key, URI href, String type, List<String> roles, List<EoBand> eoBands) {

    public StacAsset {
        roles = List.copyOf(roles);
        eoBands = List.copyOf(eoBands);
    }

    public boolean hasRole(String role) {
        return roles.stream().anyMatch(r -> r.equalsIgnoreCase(role));
    }
}
