package io.satstream.training.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.training.engine.internal.OneDnnIsaGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The training engine as a fresh JVM starts it, with nothing set in its environment — the case of the launcher, a
 * test fork or a Flink TaskManager: the check passes on this CPU, and the oneDNN limit is there exactly when this
 * CPU needs it. On a CPU that needs it, the same JVM forced back to oneDNN's full instruction set
 * ({@code DNNL_MAX_CPU_ISA=ALL}) must fail the check: the self-check catches the real kernel bug, not only injected
 * ones.
 */
class TrainingEngineForkITCase {

    private static final boolean NEEDS_LIMIT =
            OneDnnIsaGuard.decide(CpuInfo.current(), Map.of()).source() == IsaLimit.Source.AUTOMATIC;

    @Test
    void aFreshJvmGetsATrustworthyEngineWithoutAnySetting() throws Exception {
        Fork f = fork(Map.of());
        assertThat(f.exitCode).as(f.output).isZero();
        assertThat(f.output).contains("check: ok (PyTorch ");
        assertThat(f.output).contains(NEEDS_LIMIT ? "limit: AUTOMATIC SSE41" : "limit: NONE null");
    }

    @Test
    void onACpuThatNeedsTheLimitTheFullInstructionSetIsCaughtByTheCheck() throws Exception {
        Fork f = fork(Map.of("DNNL_MAX_CPU_ISA", "ALL"));
        assertThat(f.output).contains("limit: ENVIRONMENT ALL");
        if (NEEDS_LIMIT) {
            assertThat(f.exitCode).as(f.output).isEqualTo(1);
            assertThat(f.output).contains("check: FAILED on " + CpuInfo.current().describe())
                    .contains("remedy: unset DNNL_MAX_CPU_ISA (it is ALL) or set it to SSE41");
        } else {
            // Elsewhere the full instruction set is what runs anyway, and it is right.
            assertThat(f.exitCode).as(f.output).isZero();
        }
    }

    private record Fork(int exitCode, String output) {
    }

    private static Fork fork(Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PrintEngineCheck.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("DNNL_MAX_CPU_ISA");
        pb.environment().remove("ONEDNN_MAX_CPU_ISA");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the forked JVM did not finish");
        }
        return new Fork(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
