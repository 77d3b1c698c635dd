package io.satstream.ingest.stac;

import java.net.URI;
import java.util.List;

/**
 * One asset of a STAC item.
 *
 * @param href absolute: a relative href is already resolved against the item document's URL
 * @param type the declared media type, or null; informative only (Planet's "cloud-optimized" GeoTIFFs are not)
 * @param eoBands the asset's own {@code eo:bands}, empty when it declares none
 * @param projShape the {@code proj:shape} declared for this asset (its own, else the item's): [rows, columns] as
 *     declared, a value past the range of a long as {@link Long#MAX_VALUE}; empty when none is declared or it is not
 *     two numbers. A claim, not a fact: it is only used to refuse an asset before downloading it.
 */
public record StacAsset(String key, URI href, String type, List<String> roles, List<EoBand> eoBands,
        List<Long> projShape) {

    public StacAsset {
        roles = List.copyOf(roles);
        eoBands = List.copyOf(eoBands);
        projShape = List.copyOf(projShape);
    }

    /** An asset that declares no {@code proj:shape}. */
    public StacAsset(String key, URI href, String type, List<String> roles, List<EoBand> eoBands) {
        this(key, href, type, roles, eoBands, List.of());
    }

    public boolean hasRole(String role) {
        return roles.stream().anyMatch(r -> r.equalsIgnoreCase(role));
    }
}
