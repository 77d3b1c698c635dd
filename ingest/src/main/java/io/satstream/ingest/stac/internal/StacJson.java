package io.satstream.ingest.stac.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.satstream.ingest.stac.EoBand;
import io.satstream.ingest.stac.StacAsset;
import io.satstream.ingest.stac.StacFormatException;
import io.satstream.ingest.stac.StacItem;

/** Parsing of STAC JSON documents; every failure is a {@link StacFormatException} with one line. */
public final class StacJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private StacJson() {}

    public static JsonNode parse(byte[] bytes, URI from) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new StacFormatException("not a JSON object: " + from);
            }
            return node;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new StacFormatException("not valid JSON (" + msg + "): " + from);
        }
    }

    /** Resolves a link or asset href against the URL of the document it appears in. */
    public static URI resolve(URI base, String href) {
        if (href == null || href.isBlank()) {
            throw new StacFormatException("empty href in " + base);
        }
        try {
            // hrefs in the wild carry unescaped spaces; nothing else needs escaping in practice
            URI ref = new URI(href.trim().replace(" ", "%20"));
            return ref.isAbsolute() ? ref : base.resolve(ref);
        } catch (URISyntaxException e) {
            throw new StacFormatException("bad href '" + href + "' in " + base + ": " + e.getReason());
        }
    }

    /** Links of a catalogue, collection or item document whose {@code rel} is one of {@code rels}, resolved. */
    public static List<URI> links(JsonNode doc, URI base, String... rels) {
        List<URI> out = new ArrayList<>();
        for (JsonNode link : doc.path("links")) {
            String rel = link.path("rel").asText("");
            for (String wanted : rels) {
                if (rel.equals(wanted) && link.hasNonNull("href")) {
                    out.add(resolve(base, link.get("href").asText()));
                }
            }
        }
        return out;
    }

    public static String type(JsonNode doc) {
        return doc.path("type").asText("");
    }

    public static StacItem item(JsonNode doc, URI documentUri) {
        if (!"Feature".equals(type(doc))) {
            throw new StacFormatException("not a STAC item (type '" + type(doc) + "'): " + documentUri);
        }
        String id = doc.path("id").asText("");
        if (id.isBlank()) {
            throw new StacFormatException("STAC item without an id: " + documentUri);
        }
        JsonNode props = doc.path("properties");
        Instant datetime = instant(props.get("datetime"), id);
        if (datetime == null) {
            datetime = instant(props.get("start_datetime"), id);
        }
        Map<String, StacAsset> assets = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = doc.path("assets").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode a = e.getValue();
            if (!a.hasNonNull("href")) {
                continue; // an asset without a file cannot be read; it is simply not a candidate
            }
            List<String> roles = new ArrayList<>();
            a.path("roles").forEach(r -> roles.add(r.asText()));
            assets.put(e.getKey(), new StacAsset(e.getKey(), resolve(documentUri, a.get("href").asText()),
                    a.hasNonNull("type") ? a.get("type").asText() : null, roles, bands(a.get("eo:bands")),
                    projShape(a.has("proj:shape") ? a.get("proj:shape") : props.get("proj:shape"))));
        }
        String collection = doc.hasNonNull("collection") ? doc.get("collection").asText() : null;
        return new StacItem(id, collection, datetime, documentUri, assets, bands(props.get("eo:bands")),
                props.isObject() ? props : MAPPER.createObjectNode());
    }

    /** {@code proj:shape} as declared ([rows, columns]); empty unless it is an array of two numbers. */
    static List<Long> projShape(JsonNode shape) {
        if (shape == null || !shape.isArray() || shape.size() != 2) {
            return List.of();
        }
        List<Long> out = new ArrayList<>(2);
        for (JsonNode n : shape) {
            if (!n.isNumber()) {
                return List.of();
            }
            // 1e300 does not fit a long; it is no less a claim of too many pixels
            out.add(n.canConvertToLong() ? n.asLong() : n.asDouble() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
        return out;
    }

    static List<EoBand> bands(JsonNode list) {
        List<EoBand> out = new ArrayList<>();
        if (list != null && list.isArray()) {
            for (JsonNode b : list) {
                out.add(new EoBand(b.hasNonNull("name") ? b.get("name").asText() : null,
                        b.hasNonNull("common_name") ? b.get("common_name").asText() : null));
            }
        }
        return out;
    }

    static Instant instant(JsonNode value, String id) {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new StacFormatException("item " + id + " has an unreadable datetime '" + value.asText() + "'");
        }
    }
}
