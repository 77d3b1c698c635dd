package io.satstream.ingest.stac;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Paths into ../shared/data and a gdalinfo oracle. */
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

    /** {@code gdalinfo -json} of a file (PAM off, so nothing is written beside it). */
    static JsonNode gdalinfo(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("/usr/bin/gdalinfo", "-json", file.toString()));
        pb.environment().put("GDAL_PAM_ENABLED", "NO");
        pb.redirectErrorStream(false);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gdalinfo failed on " + file);
        }
        return new ObjectMapper().readTree(out);
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
