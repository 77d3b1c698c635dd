package io.satstream.ingest.stac;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A STAC item as the feeds need it.
 *
 * @param collection the item's collection id, or null
 * @param datetime {@code properties.datetime}, or {@code start_datetime} when datetime is null
 * @param documentUri where the item was read from (its links and assets resolve against it)
 * @param assets in document order
 * @param eoBands item-level {@code properties.eo:bands}, empty when none
 * @param properties the raw {@code properties} object
 */
public record StacItem(String id, String collection, Instant datetime, URI documentUri, Map<String, StacAsset> assets,
        List<EoBand> eoBands, JsonNode properties) {

    public StacItem {
        assets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(assets));
        eoBands = List.copyOf(eoBands);
    }

    /** A string property, e.g. {@code updated} or {@code pl:item_type}. */
    public Optional<String> property(String name) {
        JsonNode value = properties == null ? null : properties.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }
}
