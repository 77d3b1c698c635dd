package io.satstream.ingest.ledger.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.satstream.ingest.ledger.IngestLedger.Entry;
import io.satstream.ingest.ledger.IngestLedger.Status;

/** One ledger entry as one line of JSON, and back. */
public final class LedgerLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerLines() {}

    public static String format(Entry e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("scene", e.sceneId());
        node.put("source", e.source());
        node.put("fingerprint", e.fingerprint());
        node.put("tiles", e.tiles());
        node.put("status", e.status().wire());
        if (e.reason() != null) {
            node.put("reason", e.reason());
        }
        node.put("at", e.at().toString());
        if (e.dlqTopic() != null) {
            node.put("dlq", e.dlqTopic());
        }
        if (!e.startOffsets().isEmpty()) {
            ObjectNode offsets = node.putObject("offsets");
            new TreeMap<>(e.startOffsets()).forEach((p, o) -> offsets.put(Integer.toString(p), o));
        }
        try {
            return JSON.writeValueAsString(node); // Jackson escapes newlines: one entry is always one line
        } catch (JsonProcessingException e1) {
            throw new IllegalStateException("cannot format ledger entry", e1);
        }
    }

    /** @throws IllegalArgumentException saying what is wrong with the line */
    public static Entry parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Status status;
        try {
            status = Status.valueOf(text(node, "status").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown status '" + text(node, "status") + "'");
        }
        Instant at;
        try {
            at = Instant.parse(text(node, "at"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad time '" + text(node, "at") + "'");
        }
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        JsonNode o = node.get("offsets");
        if (o != null && o.isObject()) {
            o.fields().forEachRemaining(f -> {
                try {
                    offsets.put(Integer.parseInt(f.getKey()), f.getValue().asLong());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad partition '" + f.getKey() + "'");
                }
            });
        }
        JsonNode reason = node.get("reason");
        JsonNode dlq = node.get("dlq");
        return new Entry(text(node, "scene"), text(node, "source"), text(node, "fingerprint"),
                node.path("tiles").asInt(0), status, reason == null || reason.isNull() ? null : reason.asText(), at,
                offsets, dlq == null || !dlq.isTextual() ? null : dlq.asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isTextual()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v.asText();
    }
}
