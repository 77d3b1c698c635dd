package io.satstream.raster.vector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.geojson.GeoJsonWriter;

import io.satstream.raster.vector.internal.Wgs84Reprojection;

/**
 * Class polygons as a GeoJSON FeatureCollection, one Feature per polygon. Properties: {@code class} (name),
 * {@code classIndex}, {@code pixels}, {@code area} (in units of the source CRS, e.g. m² for UTM, computed
 * before any reprojection), {@code tileId}, {@code sceneId}, {@code modelVersion}. Rings are
 * counter-clockwise outside, clockwise for holes (RFC 7946 §3.1.6).
 *
 * <ul>
 *   <li>{@link #inWgs84}: RFC 7946 — EPSG:4326, x = longitude, y = latitude, no {@code crs} member. The
 *       source CRS is named in a foreign member {@code sourceCrs}; optionally each feature also carries
 *       its source-CRS geometry as {@code sourceGeometry} (plain GeoJSON readers ignore both).</li>
 *   <li>{@link #inSourceCrs}: coordinates in the source CRS, with the legacy (2008) {@code crs} member
 *       {@code urn:ogc:def:crs:EPSG::<code>} that GDAL/QGIS honour — not RFC 7946, which allows only WGS 84.</li>
 * </ul>
 */
public final class GeoJsonFeatures {
    /** Enough for ~0.1 mm in degrees and exact pixel edges in metres; trailing zeros are not written. */
    private static final int DECIMALS = 9;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the polygons came from; any id may be null. */
    public record Origin(String tileId, String sceneId, String modelVersion, List<String> classNames) {
        public Origin {
            classNames = classNames == null ? List.of() : List.copyOf(classNames);
        }

        String className(int index) {
            return index < classNames.size() ? classNames.get(index) : "class-" + index;
        }
    }

    private GeoJsonFeatures() {}

    /**
     * @param sourceEpsg the CRS of the polygons
     * @param withSourceGeometry also write each polygon in its source CRS as a {@code sourceGeometry} member
     * @throws IllegalArgumentException when the CRS cannot be reprojected
     */
    public static byte[] inWgs84(List<ClassPolygon> polygons, int sourceEpsg, Origin origin,
            boolean withSourceGeometry) {
        ObjectNode root = collection(origin);
        root.put("sourceCrs", "EPSG:" + sourceEpsg);
        ArrayNode features = root.putArray("features");
        for (ClassPolygon p : polygons) {
            ObjectNode feature = feature(p, Wgs84Reprojection.toWgs84(p.polygon(), sourceEpsg), origin);
            if (withSourceGeometry) {
                feature.set("sourceGeometry", geometry(p.polygon()));
            }
            features.add(feature);
        }
        return bytes(root);
    }

    /**
     * A collection without features that says why, in a foreign member {@code skipped}: for a tile whose polygons
     * were not computed (e.g. a mask too fragmented to vectorise), so readers still see one record per tile.
     */
    public static byte[] skipped(int sourceEpsg, Origin origin, String reason) {
        Objects.requireNonNull(reason, "reason");
        ObjectNode root = collection(origin);
        root.put("sourceCrs", "EPSG:" + sourceEpsg);
        root.putArray("features");
        root.put("skipped", reason);
        return bytes(root);
    }

    /** @param sourceEpsg the CRS of the polygons, named in the legacy {@code crs} member */
    public static byte[] inSourceCrs(List<ClassPolygon> polygons, int sourceEpsg, Origin origin) {
        ObjectNode root = collection(origin);
        ObjectNode crs = root.putObject("crs");
        crs.put("type", "name");
        crs.putObject("properties").put("name", "urn:ogc:def:crs:EPSG::" + sourceEpsg);
        ArrayNode features = root.putArray("features");
        for (ClassPolygon p : polygons) {
            features.add(feature(p, p.polygon(), origin));
        }
        return bytes(root);
    }

    private static ObjectNode collection(Origin origin) {
        Objects.requireNonNull(origin, "origin");
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "FeatureCollection");
        // Foreign members, so that a collection without features still says what it is about.
        root.put("tileId", origin.tileId());
        root.put("sceneId", origin.sceneId());
        root.put("modelVersion", origin.modelVersion());
        return root;
    }

    private static ObjectNode feature(ClassPolygon p, Geometry geometry, Origin origin) {
        ObjectNode feature = JSON.createObjectNode();
        feature.put("type", "Feature");
        ObjectNode props = feature.putObject("properties");
        props.put("class", origin.className(p.classIndex()));
        props.put("classIndex", p.classIndex());
        props.put("pixels", p.pixels());
        props.put("area", p.polygon().getArea());
        props.put("tileId", origin.tileId());
        props.put("sceneId", origin.sceneId());
        props.put("modelVersion", origin.modelVersion());
        feature.set("geometry", geometry(geometry));
        return feature;
    }

    private static JsonNode geometry(Geometry g) {
        GeoJsonWriter writer = new GeoJsonWriter(DECIMALS);
        writer.setEncodeCRS(false);
        writer.setForceCCW(true);
        try {
            return JSON.readTree(writer.write(g));
        } catch (IOException e) {
            throw new UncheckedIOException("JTS wrote GeoJSON that Jackson cannot read back", e);
        }
    }

    private static byte[] bytes(ObjectNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise GeoJSON", e);
        }
    }
}
