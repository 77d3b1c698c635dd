package io.satstream.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorRtProbeTest {

    @TempDir
    Path dir;

    private Path driver() throws Exception {
        return Files.writeString(dir.resolve("nvidiactl"), "");
    }

    private Path cache(String... names) throws Exception {
        StringBuilder sb = new StringBuilder("ld.so-1.7.0glibc-ld.so.cache1.1\0");
        for (String n : names) {
            sb.append(n).append('\0').append("/usr/lib/x86_64-linux-gnu/").append(n).append('\0');
        }
        return Files.write(dir.resolve("ld.so.cache"), sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void noDriverNodeMeansNoTensorRt() throws Exception {
        TensorRtProbe.Result r = TensorRtProbe.check(new TensorRtProbe.Environment(
                List.of(dir.resolve("nvidiactl")), cache("libnvinfer.so.10", "libcuda.so.1"), null));
        assertThat(r.available()).isFalse();
        assertThat(r.reason()).isEqualTo("no NVIDIA driver: " + dir.resolve("nvidiactl") + " is missing");
    }

    @Test
    void driverAndBothLibrariesInTheCachePass() throws Exception {
        TensorRtProbe.Result r = TensorRtProbe.check(new TensorRtProbe.Environment(
                List.of(driver()), cache("libc.so.6", "libcuda.so.1", "libnvinfer.so.10"), null));
        assertThat(r.available()).isTrue();
        assertThat(r.reason()).contains("libnvinfer.so.10").contains("libcuda.so.1");
    }

    @Test
    void aDriverWithoutTensorRtFailsNamingTheMissingLibrary() throws Exception {
        TensorRtProbe.Result r = TensorRtProbe.check(new TensorRtProbe.Environment(
                List.of(driver()), cache("libcuda.so.1", "libnvinfer.so.8"), null));
        assertThat(r.available()).isFalse();
        assertThat(r.reason()).contains("libnvinfer.so.10").contains("TensorRT 10 not installed");
    }

    @Test
    void similarNamesDoNotMatch() throws Exception {
        TensorRtProbe.Result r = TensorRtProbe.check(new TensorRtProbe.Environment(
                List.of(driver()), cache("libnvinfer.so.100", "libcuda.so.10", "xlibcuda.so.1"), null));
        assertThat(r.available()).isFalse();
        assertThat(r.reason()).contains("libnvinfer.so.10 is neither in");
    }

    @Test
    void librariesOnLdLibraryPathCount() throws Exception {
        Path libs = Files.createDirectory(dir.resolve("libs"));
        Files.writeString(libs.resolve("libnvinfer.so.10"), "");
        Files.writeString(libs.resolve("libcuda.so.1"), "");
        TensorRtProbe.Result r = TensorRtProbe.check(new TensorRtProbe.Environment(
                List.of(dir.resolve("absent"), driver()), dir.resolve("no-cache"), "/nonexistent::" + libs));
        assertThat(r.available()).isTrue();
        assertThat(r.reason()).contains("libnvinfer.so.10 in " + libs);
    }
}
