package io.satstream.modelstore;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
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
        Block block = net.newBlock();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, inChannels, 8, 8));
            return OnnxExporter.export(net, block);
        }
    }

    static ManifestDraft draft(Integer parent, List<String> classNames) {
        return new ManifestDraft(parent, "supervised", InputSpecJson.of(InputSpec.rgbUint8(256)), classNames,
                Map.of("miou", 0.5, "pixel_accuracy", 0.75),
                ManifestDraft.network(new SegmentationNet.Config(3, classNames.size(), 4)));
    }
}
