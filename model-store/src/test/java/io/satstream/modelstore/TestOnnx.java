package io.satstream.modelstore;

import io.satstream.inference.InputSpec;
import io.satstream.inference.testing.TinyOnnx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real ONNX models and manifests for the store tests; the store sits below training, so no trained network. */
final class TestOnnx {

    private TestOnnx() {
    }

    /** A 3x3 convolution to {@code numClasses} logits with random weights: two calls give two different files. */
    static byte[] model(int inChannels, int numClasses) {
        return TinyOnnx.model(inChannels, numClasses);
    }

    static ManifestDraft draft(Integer parent, List<String> classNames) {
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("architecture", "conv3x3");
        network.put("inChannels", 3);
        network.put("numClasses", classNames.size());
        return new ManifestDraft(parent, "supervised", InputSpecJson.of(InputSpec.rgbUint8(256)), classNames,
                Map.of("miou", 0.5, "pixel_accuracy", 0.75), network);
    }
}
