package io.satstream.inference.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.satstream.inference.OnnxModelInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * Real ONNX models for tests below the training module, written with the ONNX protobuf: one 3x3 convolution from {@code inChannels} to {@code numClasses} logits over dynamic N, H, W, with
 * random weights, so two calls give two different files. ONNX Runtime opens and runs them like any exported model.
 */
public final class TinyOnnx {

    private static final Random RANDOM = new Random();

    private TinyOnnx() {
    }

    public static byte[] model(int inChannels, int numClasses) {
        int n = numClasses * inChannels * 3 * 3;
        ByteBuffer weights = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            weights.putFloat((float) (RANDOM.nextGaussian() * 0.1));
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("conv3x3")
                .addInitializer(TensorProto.newBuilder().setName("conv.weight")
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addAllDims(List.of((long) numClasses, (long) inChannels, 3L, 3L))
                        .setRawData(ByteString.copyFrom(weights.array())))
                .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv")
                        .addInput(OnnxModelInfo.INPUT_NAME).addInput("conv.weight").addOutput(OnnxModelInfo.OUTPUT_NAME)
                        .addAttribute(AttributeProto.newBuilder().setName("pads")
                                .setType(AttributeProto.AttributeType.INTS).addAllInts(List.of(1L, 1L, 1L, 1L))))
                .addInput(float4d(OnnxModelInfo.INPUT_NAME, inChannels))
                .addOutput(float4d(OnnxModelInfo.OUTPUT_NAME, numClasses))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("satstream-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    private static ValueInfoProto float4d(String name, long channels) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(channels))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("H"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("W"));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
