package io.satstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX files that declare absurd tensors: each is the real exported UNet with one declaration changed through the
 * ONNX protobuf classes, so the file is otherwise valid. Each is refused before ONNX Runtime opens it, with a reason
 * naming the tensor (ONNX Runtime's own refusals read "not a loadable ONNX model: ..."), and the store is unchanged.
 */
class ImportOnnxDeclaredShapesTest {

    private static final List<String> CLASSES = List.of("background", "building", "water");
    private static ModelProto unet;
    private static TensorProto firstWeight;

    @TempDir
    Path tmp;

    private ModelStore store;

    @BeforeAll
    static void model() throws Exception {
        unet = ModelProto.parseFrom(TestOnnx.model(3, 3));
        firstWeight = unet.getGraph().getInitializer(0);
    }

    @BeforeEach
    void storeWithOneVersion() {
        store = ModelStore.open(tmp.resolve("store"));
        store.register("unet", unet.toByteArray(), TestOnnx.draft(null, CLASSES));
    }

    static Stream<Arguments> absurdDeclarations() {
        String w = firstWeight.getName();
        int raw = firstWeight.getRawData().size();
        return Stream.of(
                Arguments.of("1e12 input channels", input("N", 1_000_000_000_000L, "H", "W"),
                        "input 'input' declares 1000000000000 channels, more than the limit of 256 bands a tile may"
                                + " have"),
                Arguments.of("zero input channels", input("N", 0L, "H", "W"),
                        "input 'input' declares dimension C (channels) = 0; a dimension is positive, or -1 or a name"
                                + " when dynamic"),
                Arguments.of("negative height", input("N", 3L, -7L, "W"),
                        "input 'input' declares dimension H (height) = -7; a dimension is positive, or -1 or a name"
                                + " when dynamic"),
                Arguments.of("fixed 1e6 x 1e6 input", input("N", 3L, 1_000_000L, 1_000_000L),
                        "input 'input' declares a fixed size of 1000000 x 1000000 pixels, more than the limit of"
                                + " 16777216 pixels a tile may have"),
                Arguments.of("fixed batch of 1e9", input(1_000_000_000L, 3L, 512L, 512L),
                        "input 'input' declares fixed dims [1000000000, 3, 512, 512], " + 4L * 1_000_000_000L * 3 * 512 * 512
                                + " bytes as float32,"
                                + " more than the limit of 1073741824 bytes for a batch's tensors"),
                Arguments.of("rank 3 input", input("N", 3L, "H"),
                        "input 'input' must be 4-D (N, C, H, W), found rank 3"),
                Arguments.of("rank 5 input", input("N", 3L, "H", "W", 1L),
                        "input 'input' must be 4-D (N, C, H, W), found rank 5"),
                Arguments.of("input without a shape", (UnaryOperator<ModelProto.Builder>) b -> {
                    b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().clearShape();
                    return b;
                }, "input 'input' declares no shape; it must be 4-D (N, C, H, W)"),
                Arguments.of("300 output classes", output("N", 300L, "H", "W"),
                        "output 'logits' declares 300 classes, more than the 255 a mask can hold (mask value 255"
                                + " means no data)"),
                Arguments.of("initializer dims beyond its data", weight(t -> t.clearDims().addAllDims(
                        List.of(100_000L, 100_000L, 3L, 3L))),
                        "initializer '" + w + "' declares dims [100000, 100000, 3, 3] (90000000000 elements of type"
                                + " FLOAT) but holds only " + raw + " bytes of data"),
                Arguments.of("initializer dims past 2^63", weight(t -> t.clearDims().addAllDims(
                        List.of(1L << 40, 1L << 40))),
                        "initializer '" + w + "' declares dims [1099511627776, 1099511627776], past 2^63 elements"),
                Arguments.of("negative initializer dim", weight(t -> t.setDims(0, -4L)),
                        "initializer '" + w + "' declares dims " + withFirst(-4L) + ": a negative dimension"),
                Arguments.of("initializer data in an external file", weight(t -> t.clearRawData()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location")
                                .setValue("../../../etc/passwd"))),
                        "initializer '" + w + "' keeps its data in an external file; import a self-contained model"
                                + " (ONNX Runtime would read that file from wherever the path leads)"),
                Arguments.of("sparse initializer 1e6 x 1e6 once dense", (UnaryOperator<ModelProto.Builder>) b -> {
                    b.getGraphBuilder().addSparseInitializer(SparseTensorProto.newBuilder()
                            .addAllDims(List.of(1_000_000L, 1_000_000L))
                            .setValues(TensorProto.newBuilder().setName("sparse").setDataType(TensorProto.DataType
                                    .FLOAT_VALUE).addDims(1).addFloatData(1f))
                            .setIndices(TensorProto.newBuilder().setName("sparse_idx").setDataType(TensorProto
                                    .DataType.INT64_VALUE).addDims(1).addInt64Data(0)));
                    return b;
                }, "sparse initializer 'sparse' declares dims [1000000, 1000000], 4000000000000 bytes once dense,"
                        + " more than the limit of " + ModelStore.MAX_MODEL_BYTES + " bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("absurdDeclarations")
    void anAbsurdDeclarationIsRefusedBeforeOnnxRuntimeWithTheTensorNamed(String what,
            UnaryOperator<ModelProto.Builder> change, String reason) throws Exception {
        Path file = Files.write(tmp.resolve("absurd.onnx"), change.apply(unet.toBuilder()).build().toByteArray());
        Map<String, String> before = StoreSnapshot.of(store.root());

        assertThatThrownBy(() -> store.importOnnx(file, manifest("absurd")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing model 'absurd': " + reason);

        assertThat(StoreSnapshot.of(store.root())).isEqualTo(before);
    }

    @Test
    void fixedAndDynamicMinusOneDimensionsOfAValidModelStillImport() throws Exception {
        Path fixed = Files.write(tmp.resolve("fixed.onnx"),
                input(1L, 3L, 64L, 64L).apply(unet.toBuilder()).build().toByteArray());
        Path dynamic = Files.write(tmp.resolve("dynamic.onnx"),
                input(-1L, 3L, "H", "W").apply(unet.toBuilder()).build().toByteArray());

        assertThat(store.importOnnx(fixed, manifest("fixed")).ref()).isEqualTo("fixed@1");
        assertThat(store.importOnnx(dynamic, manifest("dynamic")).ref()).isEqualTo("dynamic@1");
        assertThat(store.load("fixed", 1).onnx()).isEqualTo(Files.readAllBytes(fixed));
    }

    private Path manifest(String name) throws Exception {
        return Files.writeString(tmp.resolve(name + ".json"), """
                {"name":"%s","classNames":["background","building","water"],
                 "inputSpec":{"bands":["red","green","blue"],"tileSize":256,"scale":255.0,
                              "mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}}
                """.formatted(name));
    }

    private static UnaryOperator<ModelProto.Builder> input(Object... dims) {
        return b -> {
            reshape(b.getGraphBuilder().getInputBuilder(0), dims);
            return b;
        };
    }

    private static UnaryOperator<ModelProto.Builder> output(Object... dims) {
        return b -> {
            reshape(b.getGraphBuilder().getOutputBuilder(0), dims);
            return b;
        };
    }

    private static UnaryOperator<ModelProto.Builder> weight(UnaryOperator<TensorProto.Builder> change) {
        return b -> {
            GraphProto.Builder g = b.getGraphBuilder();
            change.apply(g.getInitializerBuilder(0));
            return b;
        };
    }

    /** A String is a symbolic dimension, a Long a fixed one. */
    private static void reshape(ValueInfoProto.Builder value, Object... dims) {
        TensorShapeProto.Builder shape = value.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().clearDim();
        for (Object d : dims) {
            if (d instanceof String param) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(param));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue((Long) d));
            }
        }
    }

    private static String withFirst(long first) {
        List<Long> dims = new java.util.ArrayList<>(firstWeight.getDimsList());
        dims.set(0, first);
        return dims.toString();
    }
}
