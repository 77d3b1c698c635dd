package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.satstream.app.internal.DockerProbe;
import io.satstream.models.InferenceRuntimes;
import io.satstream.models.RuntimeChoice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {

    @TempDir
    Path tmp;

    @Test
    void reportsTheMachineAndTheRuntimeAutoPicks() {
        Path workDir = tmp.resolve("wd");
        CliRun run = CliRun.of("doctor", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        RuntimeChoice expected = InferenceRuntimes.choose(InferenceRuntimes.AUTO);
        assertThat(run.outLines())
                .contains("cores: " + Runtime.getRuntime().availableProcessors())
                .contains("runtime: " + expected.name() + " (" + expected.reason() + ")")
                .anySatisfy(line -> assertThat(line).startsWith("java: " + Runtime.version()))
                .anySatisfy(line -> assertThat(line).matches("memory: .*\\d+\\.\\d GiB total.*JVM max heap \\d+\\.\\d GiB"))
                .anySatisfy(line -> assertThat(line).startsWith("work dir: " + workDir.toAbsolutePath()));
        String docker = DockerProbe.probe().reachable() ? "docker: reachable (" : "docker: not reachable (";
        assertThat(run.outLines()).anySatisfy(line -> assertThat(line).startsWith(docker));
        assertThat(run.outLines()).filteredOn(line -> line.startsWith("runtime: ")).singleElement()
                .satisfies(line -> assertThat(line).matches("runtime: \\S+ \\(.+\\)"));
    }

    @Test
    void changesNothingOnDisk() {
        Path workDir = tmp.resolve("untouched");
        assertThat(CliRun.of("doctor", "--work-dir", workDir.toString()).exitCode()).isZero();
        assertThat(workDir).doesNotExist();
    }
}
