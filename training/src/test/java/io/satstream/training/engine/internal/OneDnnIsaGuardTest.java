package io.satstream.training.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.training.engine.CpuInfo;
import io.satstream.training.engine.IsaLimit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OneDnnIsaGuardTest {

    private static CpuInfo cpu(String vendor, String flags, boolean cacheTopologyVisible) {
        return CpuInfo.parse("vendor_id : " + vendor + "\nmodel name : x\nflags : " + flags + "\n",
                cacheTopologyVisible);
    }

    @Test
    void amdWithABlankCacheLeafIsLimitedToSse41() {
        IsaLimit limit = OneDnnIsaGuard.decide(cpu(CpuInfo.AMD, "avx2 avx512f topoext", false), Map.of());
        assertThat(limit.source()).isEqualTo(IsaLimit.Source.AUTOMATIC);
        assertThat(limit.variable()).isEqualTo("DNNL_MAX_CPU_ISA");
        assertThat(limit.value()).isEqualTo("SSE41");
        assertThat(limit.describe()).startsWith("DNNL_MAX_CPU_ISA=SSE41 (set by satstream: AMD CPU whose cpuid leaf"
                + " 0x8000001D describes no caches");
    }

    @Test
    void amdWithoutTopoextReadsTheSameBlankLeafAndIsLimitedToo() {
        assertThat(OneDnnIsaGuard.decide(cpu(CpuInfo.AMD, "avx2", true), Map.of()).source())
                .isEqualTo(IsaLimit.Source.AUTOMATIC);
    }

    @Test
    void cpusWhoseCachesAreDescribedAndIntelCpusAreLeftAlone() {
        assertThat(OneDnnIsaGuard.decide(cpu(CpuInfo.AMD, "avx2 avx512f topoext", true), Map.of()).source())
                .isEqualTo(IsaLimit.Source.NONE);
        // oneDNN falls back to built-in cache sizes when Intel's leaf 4 is blank.
        assertThat(OneDnnIsaGuard.decide(cpu(CpuInfo.INTEL, "avx2 avx512f", false), Map.of()).source())
                .isEqualTo(IsaLimit.Source.NONE);
        assertThat(OneDnnIsaGuard.decide(CpuInfo.parse("", false), Map.of()).describe())
                .isEqualTo("no limit (not needed on this CPU)");
    }

    @Test
    void aLimitSetBeforeStartWinsWhicheverNameItHas() {
        CpuInfo broken = cpu(CpuInfo.AMD, "topoext", false);
        IsaLimit v2 = OneDnnIsaGuard.decide(broken, Map.of("DNNL_MAX_CPU_ISA", " AVX2 "));
        assertThat(v2.source()).isEqualTo(IsaLimit.Source.ENVIRONMENT);
        assertThat(v2.value()).isEqualTo("AVX2");
        assertThat(v2.describe()).isEqualTo("DNNL_MAX_CPU_ISA=AVX2 (from the environment)");
        // oneDNN 3 reads ONEDNN_MAX_CPU_ISA first, so the guard does too.
        IsaLimit v3 = OneDnnIsaGuard.decide(broken, Map.of("ONEDNN_MAX_CPU_ISA", "ALL", "DNNL_MAX_CPU_ISA", "AVX2"));
        assertThat(v3.variable()).isEqualTo("ONEDNN_MAX_CPU_ISA");
        assertThat(v3.value()).isEqualTo("ALL");
        assertThat(OneDnnIsaGuard.decide(broken, Map.of("DNNL_MAX_CPU_ISA", "  ")).source())
                .as("a blank value is no setting").isEqualTo(IsaLimit.Source.AUTOMATIC);
    }
}
