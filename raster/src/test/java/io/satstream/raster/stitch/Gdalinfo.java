package io.satstream.raster.stitch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code /usr/bin/gdalinfo -json} as an independent oracle; PAM off so it writes nothing beside its input. */
final class Gdalinfo {
    private static final Path GDALINFO = Path.of("/usr/bin/gdalinfo");

    private Gdalinfo() {}

    static boolean available() {
        return Files.isExecutable(GDALINFO);
    }

    static JsonNode json(Path file) throws IOException, InterruptedException {
        return run(file, "-json");
    }

    /** {@link #json} plus band statistics, which GDAL computes over the pixels that are not nodata. */
    static JsonNode jsonWithStats(Path file) throws IOException, InterruptedException {
        return run(file, "-json", "-stats");
    }

    private static JsonNode run(Path file, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(GDALINFO.toString());
        command.addAll(List.of(options));
        command.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("GDAL_PAM_ENABLED", "NO");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed");
        }
        return new ObjectMapper().readTree(out);
    }
}
