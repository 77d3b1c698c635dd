package io.satstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.satstream.training.engine.TrainingEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OnnxExporterTest {

    @Test
    void declaresTheContractInputsOutputsAndVersions() throws Exception {
        ModelProto model = ModelProto.parseFrom(TestModels.smallTrained().onnx());

        assertThat(model.getIrVersion()).isEqualTo(8);
        assertThat(model.getOpsetImport(0).getDomain()).isEmpty();
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
        assertThat(model.getGraph().getInputList()).hasSize(1);
        assertThat(model.getGraph().getOutputList()).hasSize(1);
        ValueInfoProto in = model.getGraph().getInput(0);
        ValueInfoProto out = model.getGraph().getOutput(0);
        assertThat(in.getName()).isEqualTo("input");
        assertThat(out.getName()).isEqualTo("logits");
        assertThat(dims(in)).containsExactly("N", "3", "H", "W");
        assertThat(dims(out)).containsExactly("N", "3", "H", "W");
        assertThat(model.getMetadataPropsList()).anySatisfy(p -> {
            assertThat(p.getKey()).isEqualTo(OnnxExporter.META_SIZE_MULTIPLE);
            assertThat(p.getValue()).isEqualTo("4");
        });
    }

    @Test
    void everyBlockParameterIsExportedOnceWithItsValuesInDeclarationOrder() throws Exception {
        SegmentationNet net = new SegmentationNet(new SegmentationNet.Config(4, 5, 6));
        Block block = net.newBlock();
        try (NDManager m = TrainingEngine.shared().newManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8));
            ModelProto model = ModelProto.parseFrom(OnnxExporter.export(net, block));

            List<TensorProto> inits = model.getGraph().getInitializerList();
            List<Parameter> params = block.getParameters().values();
            assertThat(inits).hasSameSizeAs(params);
            assertThat(inits.stream().map(TensorProto::getName).collect(Collectors.toSet())).hasSize(inits.size());
            for (int i = 0; i < params.size(); i++) {
                NDArray expected = params.get(i).getArray();
                TensorProto t = inits.get(i);
                assertThat(t.getDimsList()).as(t.getName()).containsExactly(
                        Arrays.stream(expected.getShape().getShape()).boxed().toArray(Long[]::new));
                float[] values = new float[t.getRawData().size() / 4];
                ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                assertThat(values).as(t.getName()).containsExactly(expected.toFloatArray());
            }
        }
    }

    @Test
    void refusesAnUninitialisedBlock() {
        SegmentationNet net = new SegmentationNet(new SegmentationNet.Config(3, 2, 4));
        assertThatThrownBy(() -> OnnxExporter.export(net, net.newBlock()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialise or train");
    }

    @Test
    void refusesABlockOfAnotherShape() {
        SegmentationNet net = new SegmentationNet(new SegmentationNet.Config(3, 2, 4));
        Block other = new SequentialBlock().add(Blocks.identityBlock());
        try (NDManager m = TrainingEngine.shared().newManager()) {
            other.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            assertThatThrownBy(() -> OnnxExporter.export(net, other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not match the declaration");
        }
    }

    private static List<String> dims(ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_PARAM
                        ? d.getDimParam() : Long.toString(d.getDimValue()))
                .toList();
    }
}
