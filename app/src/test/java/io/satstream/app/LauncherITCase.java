package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.satstream.training.engine.CpuInfo;
import io.satstream.training.engine.IsaLimit;
import io.satstream.training.engine.internal.OneDnnIsaGuard;

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
        return launch(LAUNCHER, Map.of("SATSTREAM_NO_BUILD", "1"), args);
    }

    private Result launch(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().remove("SATSTREAM_NO_BUILD");
        pb.environment().putAll(env);
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
    void doctorPrintsTheTrainingEngineCheckAndTheLimitThisCpuNeeds() throws Exception {
        Result r = launch("doctor", "--work-dir", "wd");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        boolean needsLimit = OneDnnIsaGuard.decide(CpuInfo.current(), Map.of()).source() == IsaLimit.Source.AUTOMATIC;
        assertThat(r.out().lines().filter(l -> l.startsWith("training engine: ")).toList()).singleElement()
                .satisfies(line -> assertThat(line).startsWith("training engine: ok (PyTorch ")
                        .contains(needsLimit ? "oneDNN limit: DNNL_MAX_CPU_ISA=SSE41 (set by satstream: " : "oneDNN limit: no limit"));
    }

    @Test
    void onACpuThatNeedsTheLimitForcingItOffMakesDoctorFailInOneLine() throws Exception {
        Result r = launch(LAUNCHER, Map.of("SATSTREAM_NO_BUILD", "1", "DNNL_MAX_CPU_ISA", "ALL"), "doctor", "--work-dir", "wd");
        List<String> engineLines = r.out().lines().filter(l -> l.startsWith("training engine: ")).toList();
        assertThat(engineLines).hasSize(1);
        if (OneDnnIsaGuard.decide(CpuInfo.current(), Map.of()).source() == IsaLimit.Source.AUTOMATIC) {
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(engineLines.get(0)).startsWith("training engine: FAILED on ")
                    .contains("oneDNN limit: DNNL_MAX_CPU_ISA=ALL (from the environment)")
                    .contains("remedy: unset DNNL_MAX_CPU_ISA (it is ALL) or set it to SSE41");
            assertThat(r.out() + r.err()).doesNotContain("\tat ").doesNotContain("Exception");
            assertThat((r.out() + r.err()).split("FAILED on ", -1)).as("the failure is said once").hasSize(2);
        } else {
            // Elsewhere ALL is what oneDNN runs anyway: the check passes.
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(engineLines.get(0)).startsWith("training engine: ok (");
        }
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

    /**
     * The build decision, in a copy of the repository layout whose {@code mvn} on the PATH records its
     * calls and puts this build's real jar in place (a nested real Maven build has no place in a test).
     */
    @Test
    void buildsWhenTheJarIsMissingOrOlderThanASourceAndOnlyThen(@TempDir Path repo) throws Exception {
        Path launcher = Files.copy(LAUNCHER, repo.resolve("satstream"));
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path source = repo.resolve("app/src/main/java/Some.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Some {}");
        Path calls = repo.resolve("mvn-calls.txt");
        Path bin = Files.createDirectories(repo.resolve("bin"));
        Path realTarget = Path.of("target").toAbsolutePath();
        Path mvn = Files.writeString(bin.resolve("mvn"), String.join("\n",
                "#!/usr/bin/env bash",
                "echo \"$PWD $*\" >> '" + calls + "'",
                "[[ -f '" + repo.resolve("fail-build") + "' ]] && { echo 'BUILD FAILURE'; exit 1; }",
                "mkdir -p app/target",
                "cp '" + realTarget.resolve("satstream.jar") + "' app/target/satstream.jar",
                "ln -sfn '" + realTarget.resolve("lib") + "' app/target/lib",
                ""));
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
        Map<String, String> env = Map.of(
                "PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"),
                "SATSTREAM_TMP_ROOT", tmpRoot.toString(),
                "SATSTREAM_JAVA_OPTS", "-Xmx512m");

        Result missing = launch(launcher, env, "--version");
        assertThat(missing.exitCode()).as(missing.err()).isZero();
        assertThat(missing.err()).startsWith("building satstream…");
        assertThat(missing.out()).startsWith("satstream ");
        assertThat(Files.readAllLines(calls)).containsExactly(repo.toRealPath() + " -B -q -DskipTests install");

        Result fresh = launch(launcher, env, "--version");
        assertThat(fresh.exitCode()).isZero();
        assertThat(fresh.err()).isEmpty();
        assertThat(Files.readAllLines(calls)).hasSize(1);

        Path jar = repo.resolve("app/target/satstream.jar");
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(now - 60_000));
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(now - 30_000));
        Result stale = launch(launcher, env, "--version");
        assertThat(stale.exitCode()).isZero();
        assertThat(stale.err()).startsWith("building satstream…");
        assertThat(Files.readAllLines(calls)).hasSize(2);

        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(now - 60_000));
        Files.writeString(repo.resolve("fail-build"), "");
        Result failed = launch(launcher, env, "--version");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err()).contains("BUILD FAILURE").contains("satstream: error: the build failed");
    }
}
