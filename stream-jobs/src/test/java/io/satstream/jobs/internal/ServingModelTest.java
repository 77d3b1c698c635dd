package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelStore;
import io.satstream.models.InputSpec;
import io.satstream.models.OnnxExporter;
import io.satstream.models.RuntimeOptions;
import io.satstream.models.SegmentationNet;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingModelTest {

    /** Class 255 would read as "no data" in every mask: such a model is refused when loaded, not per tile. */
    @Test
    void aModelWithMoreClassesThanAMaskCanHoldIsRefusedAtLoad(@TempDir Path storeDir) throws Exception {
        SegmentationNet.Config cfg = new SegmentationNet.Config(3, 256, 4);
        SegmentationNet net = new SegmentationNet(cfg);
        Block block = net.newBlock();
        byte[] onnx;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            onnx = OnnxExporter.export(net, block);
        }
        List<String> classes = IntStream.range(0, 256).mapToObj(i -> "c" + i).toList();
        ModelStore store = ModelStore.open(storeDir);
        int version = store.register("wide", onnx, new ManifestDraft(null, "test",
                InputSpecJson.of(InputSpec.rgbUint8(64)), classes, null, ManifestDraft.network(cfg))).version();
        store.promote("wide", version);

        assertThatThrownBy(() -> ServingModel.loadServing(storeDir, "wide", "onnxruntime", new RuntimeOptions(1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wide@1 cannot be served")
                .hasMessageContaining("2..255")
                .hasMessageContaining("256");
    }
}
