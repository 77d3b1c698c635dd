package io.satstream.training.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Accumulates ONNX nodes and float initializers with unique names, then wraps them in a {@link ModelProto}. */
public final class OnnxGraphBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    public OnnxGraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Adds a float initializer (little-endian raw data, as the ONNX spec requires) and returns its name. */
    public String initializer(String name, long[] dims, float[] values) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalStateException("initializer " + name + " has " + values.length + " values for dims "
                    + java.util.Arrays.toString(dims));
        }
        claim(name);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node whose single output is named after the node, and returns that output name. */
    public String node(String opType, String name, List<String> inputs, AttributeProto... attributes) {
        claim(name);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addOutput(name);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return name;
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** Declares a 4-D float NCHW value; a dimension given as a String is symbolic (dim_param), a Long is fixed. */
    public static ValueInfoProto float4d(String name, Object n, Object c, Object h, Object w) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : new Object[] {n, c, h, w}) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof String param) {
                d.setDimParam(param);
            } else {
                d.setDimValue(((Number) dim).longValue());
            }
            shape.addDim(d);
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    /**
     * Finishes the graph: {@code lastOutput} is renamed to {@code output.getName()} through an Identity node so the
     * graph's output has a stable public name.
     */
    public ModelProto toModel(ValueInfoProto input, String lastOutput, ValueInfoProto output, long irVersion,
            long opset, String producer, Map<String, String> metadata) {
        node("Identity", output.getName(), List.of(lastOutput));
        graph.addInput(input).addOutput(output);
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName(producer)
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("duplicate ONNX name " + name);
        }
    }
}
