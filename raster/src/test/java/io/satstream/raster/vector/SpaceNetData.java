package io.satstream.raster.vector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;

import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;

/** The SpaceNet sample in shared/data (see its SOURCE.md): image, label polygons and GDAL's mask of them. */
final class SpaceNetData {
    static final String DIR = "spacenet4-atlanta-building";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpaceNetData() {}

    /** shared/data beside the repository ({@code ../../shared/data} from a module, or {@code ../shared/data}). */
    static Path root() {
        for (Path candidate : List.of(Path.of("..", "..", "shared", "data"), Path.of("..", "shared", "data"))) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("shared test data not found (expected shared/ beside the repository)");
    }

    static RasterImage raster(String name) throws IOException {
        return new RasterDecoder().decode(Files.readAllBytes(root().resolve(DIR).resolve(name)));
    }

    /**
     * The label polygons in file order. JTS's reader cannot parse the legacy {@code crs} URN on geometries
     * and drops feature properties, so each geometry is read on its own (coordinates are EPSG:32616).
     */
    static List<Geometry> labels() throws IOException, ParseException {
        JsonNode root = JSON.readTree(root().resolve(DIR).resolve("geotiff_labels.geojson").toFile());
        GeoJsonReader reader = new GeoJsonReader();
        List<Geometry> out = new ArrayList<>();
        for (JsonNode feature : root.get("features")) {
            out.add(reader.read(JSON.writeValueAsString(feature.get("geometry"))));
        }
        return out;
    }
}
