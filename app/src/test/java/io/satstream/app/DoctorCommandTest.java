package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import io.satstream.app.internal.DockerProbe;
import io.satstream.inference.InferenceRuntimes;
import io.satstream.inference.RuntimeChoice;
import io.satstream.training.engine.EngineCheckReport;
import io.satstream.training.engine.TrainingEngine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

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
    void printsTheTrainingEngineSelfCheckOfThisMachine() {
        CliRun run = CliRun.of("doctor", "--work-dir", tmp.resolve("wd").toString());

        assertThat(run.exitCode()).as(run.out()).isZero();
        EngineCheckReport check = TrainingEngine.shared().report();
        assertThat(run.outLines()).filteredOn(line -> line.startsWith("training engine: ")).singleElement()
                .isEqualTo("training engine: " + check.summary())
                .satisfies(line -> assertThat(line).startsWith("training engine: ok (PyTorch "));
    }

    @Test
    void aFailedSelfCheckIsOneLineAndExitCodeOneWithoutAStackTrace() {
        // The real check on this machine's engine, fed one wrong convolution gradient.
        EngineCheckReport failed = TrainingEngine.shared()
                .recheck(real -> real.corrupting("conv3x3 8->8", "dweight", 0.05f));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new DoctorCommand(() -> failed));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));

        int code = cmd.execute("--work-dir", tmp.resolve("wd").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString().lines().filter(l -> l.startsWith("training engine: ")).toList()).singleElement()
                .satisfies(line -> assertThat(line)
                        .startsWith("training engine: FAILED on " + failed.cpu().describe())
                        .contains("conv3x3 8->8 (2x8x32x32) dweight: off by 5.0e-02 of its range")
                        .contains("remedy: "));
        assertThat(out.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void changesNothingOnDisk() {
        Path workDir = tmp.resolve("untouched");
        assertThat(CliRun.of("doctor", "--work-dir", workDir.toString()).exitCode()).isZero();
        assertThat(workDir).doesNotExist();
    }
}
