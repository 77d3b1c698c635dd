package io.satstream.app.internal;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.TilePlacement;
import io.satstream.schemas.Timings;
import io.satstream.schemas.XyzAddress;

/**
 * The JSON document written next to each mask: everything in the {@link Segmentation} record except
 * the pixels, plus the model version from the record's Kafka header and where the record came from.
 */
public final class SegmentationSidecar {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The Kafka coordinates of a record. */
    public record Origin(String topic, int partition, long offset) {}

    private SegmentationSidecar() {}

    /**
     * @param modelVersionHeader the {@code model-version} header, or null when the record had none (then
     *     the record's own model name and version are used)
     * @param files file names of the outputs written for this record, by kind ({@code png}, {@code tif})
     */
    public static byte[] toJson(Segmentation s, String modelVersionHeader, Origin origin, Map<String, String> files) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tileId", s.getTileId());
        root.put("sceneId", s.getSceneId());
        root.put("source", s.getSource());
        root.put("modelVersion", modelVersionHeader != null
                ? modelVersionHeader : s.getModelName() + "@" + s.getModelVersion());
        root.put("modelVersionFrom", modelVersionHeader != null ? "header" : "record");
        root.put("runtime", s.getRuntime());
        root.put("width", s.getWidth());
        root.put("height", s.getHeight());
        ArrayNode names = root.putArray("classNames");
        s.getClassNames().forEach(names::add);
        ArrayNode counts = root.putArray("classPixelCounts");
        s.getClassPixelCounts().forEach(counts::add);
        root.put("meanConfidence", s.getMeanConfidence());
        if (s.getNodata() != null) {
            root.put("nodata", s.getNodata()); // mask value of pixels the tile had no data for
        } else {
            root.putNull("nodata");
        }
        putGeoref(root, s.getGeoref());
        putPlacement(root, s.getPlacement());
        putTimings(root, s.getTimings());
        ObjectNode kafka = root.putObject("kafka");
        kafka.put("topic", origin.topic());
        kafka.put("partition", origin.partition());
        kafka.put("offset", origin.offset());
        ObjectNode written = root.putObject("files");
        files.forEach(written::put);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON sidecar of " + s.getTileId(), e);
        }
    }

    private static void putGeoref(ObjectNode root, GeoReference g) {
        if (g == null) {
            root.putNull("georef");
            return;
        }
        ObjectNode node = root.putObject("georef");
        if (g.getEpsg() != null) {
            node.put("epsg", g.getEpsg());
        } else {
            node.putNull("epsg");
        }
        if (g.getGeoTransform() != null) {
            ArrayNode gt = node.putArray("geoTransform");
            g.getGeoTransform().forEach(gt::add);
        } else {
            node.putNull("geoTransform");
        }
        XyzAddress xyz = g.getXyz();
        if (xyz != null) {
            ObjectNode x = node.putObject("xyz");
            x.put("z", xyz.getZ());
            x.put("x", xyz.getX());
            x.put("y", xyz.getY());
        } else {
            node.putNull("xyz");
        }
    }

    private static void putPlacement(ObjectNode root, TilePlacement p) {
        if (p == null) {
            root.putNull("placement");
            return;
        }
        ObjectNode node = root.putObject("placement");
        node.put("row", p.getRow());
        node.put("col", p.getCol());
        node.put("xOffset", p.getXOffset());
        node.put("yOffset", p.getYOffset());
        node.put("sceneWidth", p.getSceneWidth());
        node.put("sceneHeight", p.getSceneHeight());
        node.put("overlap", p.getOverlap());
    }

    private static void putTimings(ObjectNode root, Timings t) {
        if (t == null) {
            root.putNull("timings");
            return;
        }
        ObjectNode node = root.putObject("timings");
        Instant ingested = t.getIngestedAt();
        Instant segmented = t.getSegmentedAt();
        node.put("ingestedAt", ingested == null ? null : ingested.toString());
        node.put("segmentedAt", segmented == null ? null : segmented.toString());
        if (ingested != null && segmented != null) {
            node.put("ingestToSegmentMs", segmented.toEpochMilli() - ingested.toEpochMilli());
        }
        node.put("decodeMicros", t.getDecodeMicros());
        node.put("inferenceMicros", t.getInferenceMicros());
        node.put("batchSize", t.getBatchSize());
    }
}
