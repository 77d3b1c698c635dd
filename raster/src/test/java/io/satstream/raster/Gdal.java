package io.satstream.raster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * GDAL's command-line tools as an independent oracle. {@code GDAL_PAM_ENABLED=NO} keeps them from writing
 * {@code .aux.xml} files beside the (read-only, shared) inputs.
 */
final class Gdal {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gdal() {}

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/gdalinfo")) && Files.isExecutable(Path.of("/usr/bin/gdal_translate"));
    }

    static JsonNode info(Path file) throws IOException, InterruptedException {
        return JSON.readTree(run(List.of("gdalinfo", "-json", file.toString())));
    }

    /** {@link #info} plus band statistics, which GDAL computes over the pixels that are not nodata. */
    static JsonNode infoWithStats(Path file) throws IOException, InterruptedException {
        return JSON.readTree(run(List.of("gdalinfo", "-json", "-stats", file.toString())));
    }

    /** All bands as raw band-sequential samples in native (little-endian) order, via the ENVI driver. */
    static byte[] rawBands(Path file, Path workDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "gdal-", ".bin");
        run(List.of("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BSQ", file.toString(), out.toString()));
        return Files.readAllBytes(out);
    }

    /** The dataset's mask band as GDAL reads it (0 = no data, 255 = data), one byte per pixel. */
    static byte[] maskBand(Path file, Path workDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "gdal-mask-", ".bin");
        run(List.of("gdal_translate", "-q", "-b", "mask", "-of", "ENVI", file.toString(), out.toString()));
        return Files.readAllBytes(out);
    }

    /** Runs {@code gdal_translate -q ARGS IN OUT}. */
    static void translate(Path in, Path out, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        cmd.addAll(args);
        cmd.add(in.toString());
        cmd.add(out.toString());
        run(cmd);
    }

    private static byte[] run(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("GDAL_PAM_ENABLED", "NO");
        Process process = pb.start();
        byte[] stdout = process.getInputStream().readAllBytes();
        String stderr = new String(process.getErrorStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + stderr);
        }
        return stdout;
    }
}
