package io.satstream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.inference.InferenceRuntime;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DjlOnnxParityTest {

    @ParameterizedTest(name = "({0},3,{1},{1})")
    @CsvSource({"2, 64", "1, 256"})
    void djlAndOnnxRuntimeAgreeOnTheSameWeights(int n, int size) {
        TrainedModel model = TestModels.smallTrained();
        float[] x = TestModels.randomInput(42 + size, n, 3, size, size);

        float[] djl = model.inferDjl(x, n, 3, size, size);
        float[] ort;
        try (InferenceRuntime runtime = new OnnxRuntimeInference(model.onnx(), new RuntimeOptions(2, 1))) {
            ort = runtime.infer(x, n, 3, size, size);
        }

        assertThat(ort).hasSameSizeAs(djl).hasSize(n * SyntheticBlobs.NUM_CLASSES * size * size);
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < djl.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(djl[i] - ort[i]));
            maxAbs = Math.max(maxAbs, Math.abs(djl[i]));
        }
        System.out.printf("parity (%d,3,%d,%d): max |DJL - ORT| = %.3g, max |logit| = %.3g%n",
                n, size, size, maxDiff, maxAbs);
        assertThat(maxAbs).as("logits must not be trivially zero").isGreaterThan(0.1);
        assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
    }
}
