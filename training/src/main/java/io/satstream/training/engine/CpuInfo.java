package io.satstream.training.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the training engine needs to know about the CPU, read from Linux ({@code /proc/cpuinfo} and the kernel's
 * cache description under {@code /sys}); elsewhere every field is "unknown".
 *
 * @param cacheTopologyVisible whether the kernel could describe the first CPU's caches. It reads them from the same
 *     cpuid leaves as oneDNN (leaf 4 on Intel, 0x8000001D on AMD); a hypervisor that blanks those leaves leaves the
 *     directory {@code /sys/devices/system/cpu/cpu0/cache} without any {@code index*} entry.
 */
public record CpuInfo(String vendor, int family, int model, String modelName, Set<String> flags,
        boolean cacheTopologyVisible) {

    public static final String AMD = "AuthenticAMD";
    public static final String INTEL = "GenuineIntel";

    /** The ISA extensions worth naming in one line about a CPU, in the order they are named. */
    private static final List<String> NOTABLE_FLAGS = List.of("avx512f", "avx512_bf16", "avx512_vp2intersect",
            "amx_tile", "avx2", "topoext", "hypervisor");

    private static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path CPU0_CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");

    public CpuInfo {
        vendor = vendor == null ? "unknown" : vendor;
        modelName = modelName == null ? "unknown CPU" : modelName;
        flags = Set.copyOf(flags == null ? Set.of() : flags);
    }

    /** This machine's CPU. Never throws: what cannot be read is "unknown". */
    public static CpuInfo current() {
        String text;
        try {
            text = Files.readString(PROC_CPUINFO, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            text = "";
        }
        return parse(text, cacheTopologyVisible(CPU0_CACHE));
    }

    /** The first processor's entry of a {@code /proc/cpuinfo} text. */
    public static CpuInfo parse(String procCpuinfo, boolean cacheTopologyVisible) {
        String vendor = null;
        String modelName = null;
        int family = -1;
        int model = -1;
        Set<String> flags = new TreeSet<>();
        for (String line : procCpuinfo.split("\n")) {
            if (line.isBlank()) {
                if (vendor != null || modelName != null) {
                    break; // the end of the first processor's entry
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "model name" -> modelName = value;
                case "cpu family" -> family = parseInt(value);
                case "model" -> model = parseInt(value);
                case "flags" -> flags.addAll(Arrays.asList(value.split("\\s+")));
                default -> { }
            }
        }
        flags.remove("");
        return new CpuInfo(vendor, family, model, modelName, flags, cacheTopologyVisible);
    }

    static boolean cacheTopologyVisible(Path cpu0Cache) {
        try (var entries = Files.list(cpu0Cache)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith("index"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public boolean isAmd() {
        return AMD.equals(vendor);
    }

    public boolean has(String flag) {
        return flags.contains(flag.toLowerCase(Locale.ROOT));
    }

    /** One line naming the CPU, e.g. {@code AMD EPYC (AuthenticAMD family 26 model 2; avx512f avx2 topoext …)}. */
    public String describe() {
        StringBuilder s = new StringBuilder(modelName).append(" (").append(vendor);
        if (family >= 0) {
            s.append(" family ").append(family).append(" model ").append(model);
        }
        List<String> notable = NOTABLE_FLAGS.stream().filter(flags::contains).toList();
        if (!notable.isEmpty()) {
            s.append("; ").append(String.join(" ", notable));
        }
        if (!cacheTopologyVisible) {
            s.append("; cache topology hidden");
        }
        return s.append(')').toString();
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
