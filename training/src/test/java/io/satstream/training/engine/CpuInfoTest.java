package io.satstream.training.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuInfoTest {

    /** The first entries of /proc/cpuinfo on the 2-vCPU Zen 5 VM where PyTorch training went NaN. */
    static final String ZEN5_VM = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 26
            model\t\t: 2
            model name\t: AMD EPYC
            flags\t\t: fpu sse sse2 avx avx2 topoext avx512f avx512bw avx512vl avx512_bf16 avx512_vp2intersect hypervisor

            processor\t: 1
            vendor_id\t: GenuineIntel
            model name\t: not the first processor
            """;

    @Test
    void readsTheFirstProcessorOnly() {
        CpuInfo cpu = CpuInfo.parse(ZEN5_VM, false);
        assertThat(cpu.vendor()).isEqualTo(CpuInfo.AMD);
        assertThat(cpu.isAmd()).isTrue();
        assertThat(cpu.family()).isEqualTo(26);
        assertThat(cpu.model()).isEqualTo(2);
        assertThat(cpu.modelName()).isEqualTo("AMD EPYC");
        assertThat(cpu.has("avx512f")).isTrue();
        assertThat(cpu.has("TOPOEXT")).isTrue();
        assertThat(cpu.has("amx_tile")).isFalse();
        assertThat(cpu.describe()).isEqualTo("AMD EPYC (AuthenticAMD family 26 model 2; avx512f avx512_bf16"
                + " avx512_vp2intersect avx2 topoext hypervisor; cache topology hidden)");
    }

    @Test
    void anUnreadableCpuinfoIsUnknownNotAnError() {
        CpuInfo cpu = CpuInfo.parse("", true);
        assertThat(cpu.vendor()).isEqualTo("unknown");
        assertThat(cpu.isAmd()).isFalse();
        assertThat(cpu.flags()).isEmpty();
        assertThat(cpu.describe()).isEqualTo("unknown CPU (unknown)");
    }

    @Test
    void cacheTopologyIsVisibleOnlyWithIndexEntries(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        assertThat(CpuInfo.cacheTopologyVisible(cache)).as("missing directory").isFalse();
        Files.createDirectories(cache);
        Files.writeString(cache.resolve("uevent"), "");
        assertThat(CpuInfo.cacheTopologyVisible(cache)).as("no index*").isFalse();
        Files.createDirectories(cache.resolve("index0"));
        assertThat(CpuInfo.cacheTopologyVisible(cache)).isTrue();
    }

    @Test
    void thisMachinesCpuIsDescribed() {
        CpuInfo cpu = CpuInfo.current();
        System.out.println("this CPU: " + cpu.describe());
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
            assertThat(cpu.vendor()).isNotEqualTo("unknown");
            assertThat(cpu.flags()).isNotEmpty();
        }
    }
}
