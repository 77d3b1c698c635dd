package io.satstream.testing.oracles;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An external program a test needs, such as GDAL's {@code gdalinfo}. {@code ./dev/test} installs every such tool,
 * so a missing one is a broken machine, not a reason to skip: {@link #require} fails the test and names the Debian
 * package to install.
 */
public final class ExternalTool {
    /** Where the Debian packages put their programs; looked at before {@code PATH}. */
    private static final Path SYSTEM_BIN = Path.of("/usr/bin");

    private ExternalTool() {}

    /**
     * The executable {@code tool}: {@code /usr/bin/<tool>}, else the first on {@code PATH}.
     *
     * @throws AssertionError when there is none, with a one-line message naming {@code debianPackage}
     */
    public static Path require(String tool, String debianPackage) {
        return find(tool, System.getenv("PATH")).orElseThrow(() -> new AssertionError(missing(tool, debianPackage)));
    }

    /** The message {@link #require} fails with. */
    static String missing(String tool, String debianPackage) {
        return tool + " is not installed: install the Debian package " + debianPackage + " (./dev/test installs it)";
    }

    /** {@code /usr/bin/<tool>} if executable, else the first executable {@code <dir>/<tool>} of {@code searchPath}. */
    static Optional<Path> find(String tool, String searchPath) {
        if (tool.isEmpty() || tool.contains("/")) {
            throw new IllegalArgumentException("a tool is a bare program name: " + tool);
        }
        Path system = SYSTEM_BIN.resolve(tool);
        if (isExecutableFile(system)) {
            return Optional.of(system);
        }
        if (searchPath == null) {
            return Optional.empty();
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir).resolve(tool).toAbsolutePath();
                if (isExecutableFile(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException e) {
                // a malformed PATH entry names no tool
            }
        }
        return Optional.empty();
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
