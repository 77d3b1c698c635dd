package io.satstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.internal.TensorRtProbe;
import io.satstream.inference.testing.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InferenceRuntimesTest {

    private static final TensorRtProbe.Result NO_GPU =
            new TensorRtProbe.Result(false, "no NVIDIA driver: /dev/nvidiactl and /proc/driver/nvidia/version are missing");
    private static final TensorRtProbe.Result GPU =
            new TensorRtProbe.Result(true, "NVIDIA driver (/dev/nvidiactl) and libnvinfer.so.10 in /etc/ld.so.cache");

    @Test
    void autoOnThisMachinePicksOnnxRuntimeAndSaysWhy() {
        RuntimeChoice choice = InferenceRuntimes.choose("auto");

        assertThat(choice.name()).isEqualTo("onnxruntime");
        assertThat(choice.reason()).isNotBlank().contains(TensorRtProbe.system().reason());
        if (!Files.exists(Path.of("/dev/nvidiactl")) && !Files.exists(Path.of("/proc/driver/nvidia/version"))) {
            assertThat(choice.reason()).startsWith("no NVIDIA driver: /dev/nvidiactl");
        }
        System.out.println("runtime: " + choice);
    }

    @Test
    void autoFallsBackToOnnxRuntimeWithTheProbeReason() {
        assertThat(InferenceRuntimes.choose("auto", NO_GPU))
                .isEqualTo(new RuntimeChoice("onnxruntime", NO_GPU.reason()));
        // Even with the libraries present there is no TensorRT runtime in this build: say so rather than fail.
        RuntimeChoice withGpu = InferenceRuntimes.choose("AUTO", GPU);
        assertThat(withGpu.name()).isEqualTo("onnxruntime");
        assertThat(withGpu.reason()).contains(GPU.reason()).contains("no TensorRT runtime");
    }

    @Test
    void explicitTensorRtThatCannotRunIsAnErrorWithTheReason() {
        assertThatThrownBy(() -> InferenceRuntimes.choose("tensorrt", NO_GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TensorRT requested but unavailable: " + NO_GPU.reason());
        assertThatThrownBy(() -> InferenceRuntimes.choose("tensorrt", GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no TensorRT runtime");
    }

    @Test
    void explicitOnnxRuntimeAndUnknownKinds() {
        assertThat(InferenceRuntimes.choose(" onnxruntime ", NO_GPU).name()).isEqualTo("onnxruntime");
        assertThatThrownBy(() -> InferenceRuntimes.choose("openvino"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown inference runtime 'openvino': expected auto, onnxruntime or tensorrt");
        assertThatThrownBy(() -> InferenceRuntimes.choose(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openAutoGivesAWorkingOnnxRuntime() {
        float[] x = new float[3 * 32 * 32];
        Arrays.fill(x, 0.5f);
        byte[] model = TinyOnnx.model(3, 3);
        try (InferenceRuntime runtime = InferenceRuntimes.open("auto", model, new RuntimeOptions(1, 1))) {
            assertThat(runtime.name()).isEqualTo("onnxruntime");
            assertThat(runtime.numClasses()).isEqualTo(3);
            assertThat(runtime.infer(x, 1, 3, 32, 32)).hasSize(3 * 32 * 32);
        }
    }
}
