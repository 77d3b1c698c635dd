package io.satstream.modelstore;

import io.satstream.models.InputSpec;
import io.satstream.models.OnnxExporter;
import io.satstream.models.SegmentationNet;
import java.util.List;
import java.util.Map;

/** Real ONNX models for the store tests: a freshly initialised (untrained) SegmentationNet, exported. */
final class TestOnnx {

    private TestOnnx() {
    }

    static byte[] model(int inChannels, int numClasses) {
        SegmentationNet net = new SegmentationNet(new SegmentationNet.Config(inChannels, numClasses, 4));
        return OnnxExporter.exportInitialised(net);
    }

    static ManifestDraft draft(Integer parent, List<String> classNames) {
        return new ManifestDraft(parent, "supervised", InputSpecJson.of(InputSpec.rgbUint8(256)), classNames,
                Map.of("miou", 0.5, "pixel_accuracy", 0.75),
                ManifestDraft.network(new SegmentationNet.Config(3, classNames.size(), 4)));
    }
}
