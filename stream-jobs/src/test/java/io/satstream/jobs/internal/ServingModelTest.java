package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.InputSpec;
import io.satstream.inference.RuntimeOptions;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import io.satstream.training.TrainedManifests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingModelTest {

    /**
     * Class 255 would read as "no data" in every mask. The store refuses such a model when it is registered, but
     * a store written before that check may still hold one: it is refused when loaded, not per tile.
     */
    @Test
    void aModelWithMoreClassesThanAMaskCanHoldIsRefusedAtLoad(@TempDir Path storeDir) throws Exception {
        byte[] narrow = export(new SegmentationNet.Config(3, 2, 4));
        SegmentationNet.Config wideCfg = new SegmentationNet.Config(3, 256, 4);
        byte[] wide = export(wideCfg);
        List<String> classes = IntStream.range(0, 256).mapToObj(i -> "c" + i).toList();
        ModelStore store = ModelStore.open(storeDir);
        assertThatThrownBy(() -> store.register("wide", wide, new ManifestDraft(null, "test",
                InputSpecJson.of(InputSpec.rgbUint8(64)), classes, null, TrainedManifests.network(wideCfg))))
                .hasMessageContaining("256");

        // What an older store could hold: a valid version whose files were then written with 256 classes.
        int version = store.register("wide", narrow, new ManifestDraft(null, "test",
                InputSpecJson.of(InputSpec.rgbUint8(64)), List.of("a", "b"), null,
                TrainedManifests.network(new SegmentationNet.Config(3, 2, 4)))).version();
        store.promote("wide", version);
        Path dir = store.versionDir("wide", version);
        Files.write(dir.resolve("model.onnx"), wide);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
        ArrayNode names = manifest.putArray("classNames");
        classes.forEach(names::add);
        ((ObjectNode) manifest.get("files")).put("model.onnx", HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(wide)));
        ((ObjectNode) manifest.get("network")).put("numClasses", 256);
        json.writeValue(dir.resolve("manifest.json").toFile(), manifest);

        assertThatThrownBy(() -> ServingModel.loadServing(storeDir, "wide", "onnxruntime", new RuntimeOptions(1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("wide@1 cannot be served")
                .hasMessageContaining("2..255")
                .hasMessageContaining("256");
    }

    private static byte[] export(SegmentationNet.Config cfg) {
        SegmentationNet net = new SegmentationNet(cfg);
        return OnnxExporter.exportInitialised(net);
    }
}
