package io.satstream.inference.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether TensorRT could run here without touching JNI: loading the JavaCPP presets on a host without the
 * NVIDIA libraries throws an {@code UnsatisfiedLinkError} that poisons the classes for the whole JVM, so this
 * pre-check only looks at files (device nodes, {@code ld.so.cache}, {@code LD_LIBRARY_PATH}).
 */
public final class TensorRtProbe {

    /** What the probe looks at; the system's values in production, fake files in tests. */
    public record Environment(List<Path> driverFiles, Path ldSoCache, String ldLibraryPath) {
        public static Environment system() {
            return new Environment(List.of(Path.of("/dev/nvidiactl"), Path.of("/proc/driver/nvidia/version")),
                    Path.of("/etc/ld.so.cache"), System.getenv("LD_LIBRARY_PATH"));
        }
    }

    public record Result(boolean available, String reason) {
    }

    public static final List<String> REQUIRED_LIBRARIES = List.of("libnvinfer.so.10", "libcuda.so.1");

    private static volatile Result systemResult;

    private TensorRtProbe() {
    }

    /** The probe on this machine, computed once per JVM. */
    public static Result system() {
        Result r = systemResult;
        if (r == null) {
            r = check(Environment.system());
            systemResult = r;
        }
        return r;
    }

    public static Result check(Environment env) {
        Path driver = env.driverFiles().stream().filter(Files::exists).findFirst().orElse(null);
        if (driver == null) {
            return new Result(false, "no NVIDIA driver: " + describeMissing(env.driverFiles()));
        }
        byte[] cache = readQuietly(env.ldSoCache());
        List<String> found = new ArrayList<>();
        for (String lib : REQUIRED_LIBRARIES) {
            String where = locate(lib, cache, env);
            if (where == null) {
                return new Result(false, "NVIDIA driver found (" + driver + ") but " + lib + " is neither in "
                        + env.ldSoCache() + " nor in LD_LIBRARY_PATH"
                        + (lib.startsWith("libnvinfer") ? " (TensorRT 10 not installed)" : ""));
            }
            found.add(lib + " in " + where);
        }
        return new Result(true, "NVIDIA driver (" + driver + ") and " + String.join(", ", found));
    }

    private static String describeMissing(List<Path> files) {
        List<String> names = files.stream().map(Path::toString).toList();
        return String.join(" and ", names) + (names.size() == 1 ? " is" : " are") + " missing";
    }

    private static String locate(String lib, byte[] cache, Environment env) {
        if (cache != null && containsEntry(cache, lib)) {
            return env.ldSoCache().toString();
        }
        String path = env.ldLibraryPath();
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isBlank() && Files.exists(Path.of(dir, lib))) {
                    return dir;
                }
            }
        }
        return null;
    }

    /** ld.so.cache stores NUL-terminated names; matching the terminator avoids libcuda.so.1 matching libcuda.so.10. */
    static boolean containsEntry(byte[] haystack, String name) {
        byte[] needle = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (i == 0 || haystack[i - 1] == 0 || haystack[i - 1] == '/') {
                return true;
            }
        }
        return false;
    }

    private static byte[] readQuietly(Path file) {
        try {
            return file == null ? null : Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }
}
