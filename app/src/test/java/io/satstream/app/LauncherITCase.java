package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./satstream} script at the repository root, run from another directory against the jar
 * this build packaged ({@code SATSTREAM_NO_BUILD=1}: a test must not start a nested Maven build).
 */
class LauncherITCase {
    private static final Path LAUNCHER = Path.of("..", "satstream").toAbsolutePath().normalize();

    @TempDir
    Path cwd;

    @TempDir
    Path tmpRoot;

    record Result(long pid, int exitCode, String out, String err) {}

    private Result launch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("SATSTREAM_NO_BUILD", "1");
        pb.environment().put("SATSTREAM_TMP_ROOT", tmpRoot.toString());
        pb.environment().put("SATSTREAM_JAVA_OPTS", "-Xmx512m");
        Path outFile = cwd.resolve("stdout.txt");
        Path errFile = cwd.resolve("stderr.txt");
        pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finishes").isTrue();
        return new Result(p.pid(), p.exitValue(),
                Files.readString(outFile, StandardCharsets.UTF_8), Files.readString(errFile, StandardCharsets.UTF_8));
    }

    @Test
    void isExecutableAndPrintsTheVersionFromAnyDirectory() throws Exception {
        assertThat(Files.isExecutable(LAUNCHER)).isTrue();
        Result r = launch("--version");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst()).hasValueSatisfying(line -> assertThat(line).matches("satstream \\d+\\.\\d+\\.\\d+.*"));
    }

    @Test
    void wrongArgumentIsOneLineAndExitTwoThroughTheScript() throws Exception {
        Result r = launch("consume", "--bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("satstream: ");
    }

    @Test
    void relativePathsStayRelativeToTheCallersDirectory() throws Exception {
        Result r = launch("doctor", "--work-dir", "rel/wd");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("work dir: " + cwd.toRealPath().resolve("rel/wd"));
    }

    @Test
    void eachRunGetsItsOwnTmpDirAndTheNextRunRemovesThoseOfEndedRuns() throws Exception {
        Result first = launch("--version");
        // exec keeps the script's pid for the JVM, so the directory is named after the process we started
        assertThat(tmpRoot.resolve(String.valueOf(first.pid()))).isDirectory();
        Result second = launch("--version");
        assertThat(tmpRoot.resolve(String.valueOf(second.pid()))).isDirectory();
        assertThat(tmpRoot.resolve(String.valueOf(first.pid()))).doesNotExist();
    }
}
