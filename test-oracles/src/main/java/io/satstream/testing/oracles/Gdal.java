package io.satstream.testing.oracles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * GDAL's command-line tools ({@code gdalinfo}, {@code gdal_translate}, Debian package {@value #DEBIAN_PACKAGE}) as an
 * independent oracle. Every call fails the test when the tool is missing (see {@link ExternalTool#require}); it runs
 * with {@code GDAL_PAM_ENABLED=NO}, so GDAL writes no {@code .aux.xml} beside its (read-only, shared) inputs, under a
 * timeout, and a non-zero exit becomes an {@link IOException} carrying the command and its stderr.
 */
public final class Gdal {
    /** The Debian package that has {@code gdalinfo} and {@code gdal_translate}. */
    public static final String DEBIAN_PACKAGE = "gdal-bin";

    private static final long TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gdal() {}

    /** Fails (see {@link ExternalTool#require}) unless both {@code gdalinfo} and {@code gdal_translate} are installed. */
    public static void require() {
        gdalinfo();
        gdalTranslate();
    }

    /** {@code gdalinfo -json FILE}. */
    public static JsonNode info(Path file) throws IOException, InterruptedException {
        return JSON.readTree(run(List.of(gdalinfo().toString(), "-json", file.toString())));
    }

    /** {@link #info} plus band statistics, which GDAL computes over the pixels that are not nodata. */
    public static JsonNode infoWithStats(Path file) throws IOException, InterruptedException {
        return JSON.readTree(run(List.of(gdalinfo().toString(), "-json", "-stats", file.toString())));
    }

    /** All bands as raw band-sequential samples in native (little-endian) order, via the ENVI driver. */
    public static byte[] rawBands(Path file, Path workDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "gdal-", ".bin");
        translate(file, out, List.of("-of", "ENVI", "-co", "INTERLEAVE=BSQ"));
        return Files.readAllBytes(out);
    }

    /** The dataset's mask band as GDAL reads it (0 = no data, 255 = data), one byte per pixel. */
    public static byte[] maskBand(Path file, Path workDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "gdal-mask-", ".bin");
        translate(file, out, List.of("-b", "mask", "-of", "ENVI"));
        return Files.readAllBytes(out);
    }

    /** Runs {@code gdal_translate -q ARGS IN OUT}. */
    public static void translate(Path in, Path out, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(gdalTranslate().toString(), "-q"));
        command.addAll(args);
        command.add(in.toString());
        command.add(out.toString());
        run(command);
    }

    private static Path gdalinfo() {
        return ExternalTool.require("gdalinfo", DEBIAN_PACKAGE);
    }

    private static Path gdalTranslate() {
        return ExternalTool.require("gdal_translate", DEBIAN_PACKAGE);
    }

    /** Runs the command to its end and returns its stdout. */
    private static byte[] run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("GDAL_PAM_ENABLED", "NO");
        Process process = pb.start();
        process.getOutputStream().close();
        // both pipes drained at once, so neither can fill up and stall GDAL, and the timeout holds
        FutureTask<byte[]> stdout = drain(process.getInputStream(), "gdal-stdout");
        FutureTask<byte[]> stderr = drain(process.getErrorStream(), "gdal-stderr");
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        byte[] out = result(stdout);
        String err = new String(result(stderr), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + err);
        }
        return out;
    }

    private static FutureTask<byte[]> drain(InputStream stream, String name) {
        FutureTask<byte[]> task = new FutureTask<>(() -> {
            try (stream) {
                return stream.readAllBytes();
            }
        });
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static byte[] result(FutureTask<byte[]> task) throws IOException, InterruptedException {
        try {
            return task.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("GDAL's output was not closed within " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
