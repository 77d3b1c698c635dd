package io.satstream.training.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.satstream.training.engine.CpuInfo;
import io.satstream.training.engine.EngineCheckReport;
import io.satstream.training.engine.IsaLimit;
import io.satstream.training.engine.TrainingEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The self-check against the real engine of this JVM, and against wrong kernel results fed to it: it must pass the
 * engine as started here and refuse every kind of wrong result.
 */
class EngineSelfCheckTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = TrainingEngine.shared().newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static EngineCheckReport check(KernelRunner runner) {
        CpuInfo cpu = CpuInfo.current();
        return EngineSelfCheck.run("PyTorch test", cpu, OneDnnIsaGuard.decide(cpu, System.getenv()),
                EngineSelfCheck.standardProbes(), runner);
    }

    @Test
    void theSharedEngineOfThisJvmPassesEveryOutputOfEveryProbe() {
        EngineCheckReport report = TrainingEngine.shared().report();
        System.out.println("training engine: " + report.summary());
        assertThat(report.passed()).as(report.summary()).isTrue();
        assertThat(report.checks()).hasSize(30);
        assertThat(report.checks().stream().map(EngineCheckReport.Check::op).distinct())
                .hasSize(EngineSelfCheck.standardProbes().size());
        assertThat(report.worstRelativeError()).isLessThan(1e-5);
        assertThat(report.summary()).startsWith("ok (PyTorch ").doesNotContain("\n");
    }

    @Test
    void aGradientOffByOnePercentOfItsRangeIsRefusedNamingTheOpAndOutput() {
        EngineCheckReport report = TrainingEngine.shared()
                .recheck(real -> real.corrupting("conv3x3 12->12", "dx", 0.01f));
        assertThat(report.passed()).isFalse();
        assertThat(report.checks().stream().filter(c -> !c.passed()).toList()).singleElement()
                .satisfies(c -> {
                    assertThat(c.op()).isEqualTo("conv3x3 12->12 (2x12x32x32)");
                    assertThat(c.output()).isEqualTo("dx");
                    assertThat(c.relativeError()).isBetween(0.009, 0.011);
                });
        assertThat(report.refusal())
                .startsWith("training refused: the PyTorch " + report.engine().substring("PyTorch ".length())
                        + " self-check failed on " + CpuInfo.current().describe())
                .contains("conv3x3 12->12 (2x12x32x32) dx: off by 1.0e-02 of its range")
                .contains("remedy: ")
                .doesNotContain("\n");
    }

    @Test
    void aResultOffByLessThanTheToleranceStillPasses() {
        // The negative control of the test above: the check is not so strict that float rounding would fail it.
        EngineCheckReport report = TrainingEngine.shared()
                .recheck(real -> real.corrupting("conv3x3 12->12", "dx", 0.0005f));
        assertThat(report.passed()).as(report.summary()).isTrue();
    }

    @Test
    void aNaNAnywhereIsRefusedEvenWhenEveryFiniteValueIsRight() {
        KernelRunner real = KernelRunner.on(manager);
        EngineCheckReport report = check((probe, in) -> {
            Map<String, float[]> out = real.run(probe, in);
            if (probe instanceof BatchNormProbe) {
                out.get("dgamma")[0] = Float.NaN;
            }
            return out;
        });
        assertThat(report.passed()).isFalse();
        assertThat(report.firstFailure()).get().satisfies(c -> {
            assertThat(c.output()).isEqualTo("dgamma");
            assertThat(c.nonFinite()).isEqualTo(1);
        });
        assertThat(report.summary()).startsWith("FAILED on ").contains("1 non-finite values");
    }

    @Test
    void anEngineThatThrowsOrOmitsAnOutputIsRefused() {
        KernelRunner real = KernelRunner.on(manager);
        EngineCheckReport throwing = check((probe, in) -> {
            if (probe instanceof MatMulProbe) {
                throw new IllegalStateException("no kernel for this op");
            }
            return real.run(probe, in);
        });
        assertThat(throwing.passed()).isFalse();
        assertThat(throwing.firstFailure().orElseThrow().describe()).contains("no kernel for this op");

        EngineCheckReport missing = check((probe, in) -> {
            Map<String, float[]> out = real.run(probe, in);
            out.remove("dweight");
            return out;
        });
        assertThat(missing.passed()).isFalse();
        assertThat(missing.firstFailure().orElseThrow().describe()).contains("the engine returned no dweight");
    }

    @Test
    void theRemedyFollowsWhereTheLimitCameFrom() {
        CpuInfo cpu = CpuInfo.parse("vendor_id : AuthenticAMD\nmodel name : Test CPU\n", false);
        EngineCheckReport.Check bad = new EngineCheckReport.Check("conv", "dx", 0.5, 0, null);
        IsaLimit none = OneDnnIsaGuard.decide(CpuInfo.parse("vendor_id : GenuineIntel\n", true), Map.of());
        IsaLimit fromEnvAvx2 = OneDnnIsaGuard.decide(cpu, Map.of("DNNL_MAX_CPU_ISA", "AVX2"));
        IsaLimit fromEnvSse = OneDnnIsaGuard.decide(cpu, Map.of("ONEDNN_MAX_CPU_ISA", "SSE41"));
        IsaLimit automatic = OneDnnIsaGuard.decide(cpu, Map.of());
        assertThat(refusal(cpu, none, bad)).contains("remedy: start the JVM with DNNL_MAX_CPU_ISA=SSE41");
        assertThat(refusal(cpu, fromEnvAvx2, bad)).contains("remedy: unset DNNL_MAX_CPU_ISA (it is AVX2) or set it to SSE41");
        assertThat(refusal(cpu, fromEnvSse, bad)).contains("no known setting corrects this CPU")
                .contains("satstream models import");
        assertThat(refusal(cpu, automatic, bad)).contains("in case another component ran PyTorch first")
                .contains("no known setting corrects this CPU");
    }

    private static String refusal(CpuInfo cpu, IsaLimit limit, EngineCheckReport.Check check) {
        return new EngineCheckReport("PyTorch x", cpu, limit, List.of(check), null, java.time.Duration.ZERO).refusal();
    }
}
