package io.satstream.raster.stitch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        ProcessBuilder pb = new ProcessBuilder(GDALINFO.toString(), "-json", file.toString());
        pb.environment().put("GDAL_PAM_ENABLED", "NO");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("gdalinfo -json " + file + " failed");
        }
        return new ObjectMapper().readTree(out);
    }
}
