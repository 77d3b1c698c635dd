package io.satstream.ingest.stac;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Paths into ../shared/data, and what a {@code gdalinfo -json} answer says. */
final class TestData {
    private TestData() {}

    static Path sharedData() {
        for (Path p : List.of(Path.of("../../shared/data"), Path.of("../shared/data"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared/data not found beside the repository");
    }

    static Path planet() {
        return sharedData().resolve("planet-disaster-stac");
    }

    static Path planetItems() {
        return planet().resolve("hurricane-harvey/hurricane-harvey-0831");
    }

    static double[] geoTransform(JsonNode info) {
        List<Double> gt = new ArrayList<>();
        info.path("geoTransform").forEach(v -> gt.add(v.asDouble()));
        return gt.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static int epsg(JsonNode info) {
        String wkt = info.path("coordinateSystem").path("wkt").asText();
        // the CRS's own ID is the last one in WKT2
        int at = wkt.lastIndexOf("ID[\"EPSG\",");
        return Integer.parseInt(wkt.substring(at + 10, wkt.indexOf(']', at)).trim());
    }
}
