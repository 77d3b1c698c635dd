package io.satstream.modelstore.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.satstream.inference.OnnxModelInfo;
import io.satstream.modelstore.ModelNames;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.MaskValues;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what an ONNX file declares, from its protobuf and before ONNX Runtime sees it, and refuses what would make
 * the runtime allocate far more than the file holds or read outside it: an input or output that is not a 4-D
 * (N, C, H, W) tensor, a dimension that is 0 or negative (other than -1, dynamic) or larger than a tile can be,
 * more channels than a tile may have bands or more classes than a mask can hold, a tensor whose dims claim more
 * elements than its data holds, or data kept in an external file. Every refusal names the tensor.
 */
public final class OnnxStructure {

    private static final String[] INPUT_DIMS = {"N (batch)", "C (channels)", "H (height)", "W (width)"};
    private static final String[] OUTPUT_DIMS = {"N (batch)", "K (classes)", "H (height)", "W (width)"};

    private final InputLimits limits;
    private final long maxModelBytes;

    public OnnxStructure(InputLimits limits, long maxModelBytes) {
        this.limits = limits;
        this.maxModelBytes = maxModelBytes;
    }

    /**
     * Throws an {@link IllegalArgumentException} with a one-line reason when {@code onnx} declares something the store
     * must not hand to ONNX Runtime. An empty array passes, for ONNX Runtime's own check to refuse it.
     */
    public void check(byte[] onnx) {
        if (onnx.length == 0) {
            return;
        }
        if (onnx.length > maxModelBytes) {
            throw new IllegalArgumentException("the model is " + onnx.length + " bytes, more than the limit of "
                    + maxModelBytes + " bytes");
        }
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(onnx);
            in.enableAliasing(true); // tensor data stays in the caller's array instead of being copied
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a loadable ONNX model: not an ONNX protobuf (" + e.getMessage()
                    + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a loadable ONNX model: " + e.getMessage(), e);
        }
        if (!model.hasGraph()) {
            throw new IllegalArgumentException("not a loadable ONNX model: it has no graph");
        }
        GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializers.contains(in.getName())) {
                checkNchw("input", in, INPUT_DIMS);
            }
        }
        // The output the runtime serves, chosen as OnnxModelInfo chooses it; it refuses any other choice itself.
        for (ValueInfoProto out : graph.getOutputList()) {
            if (out.getName().equals(OnnxModelInfo.OUTPUT_NAME) || graph.getOutputCount() == 1) {
                checkNchw("output", out, OUTPUT_DIMS);
            }
        }
        checkTensors(graph, "");
        for (FunctionProto f : model.getFunctionsList()) {
            for (NodeProto n : f.getNodeList()) {
                checkAttributes(n, "function " + ModelNames.quote(f.getName()) + " ");
            }
        }
    }

    private void checkNchw(String role, ValueInfoProto value, String[] dimNames) {
        String what = role + " " + ModelNames.quote(value.getName());
        TypeProto type = value.getType();
        if (!type.hasTensorType()) {
            throw new IllegalArgumentException(what + " is not a tensor");
        }
        TypeProto.Tensor tensor = type.getTensorType();
        if (!tensor.hasShape()) {
            throw new IllegalArgumentException(what + " declares no shape; it must be 4-D (N, C, H, W)");
        }
        List<TensorShapeProto.Dimension> dims = tensor.getShape().getDimList();
        if (dims.size() != 4) {
            throw new IllegalArgumentException(what + " must be 4-D (N, C, H, W), found rank " + dims.size());
        }
        long[] fixed = new long[4]; // -1 where dynamic
        for (int i = 0; i < 4; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            fixed[i] = -1;
            if (d.hasDimValue()) {
                long v = d.getDimValue();
                if (v == 0 || v < -1) {
                    throw new IllegalArgumentException(what + " declares dimension " + dimNames[i] + " = " + v
                            + "; a dimension is positive, or -1 or a name when dynamic");
                }
                fixed[i] = v;
            }
        }
        if (role.equals("input")) {
            if (fixed[1] < 1) {
                throw new IllegalArgumentException(what + " must have a fixed channel dimension");
            }
            if (fixed[1] > limits.maxBands()) {
                throw new IllegalArgumentException(what + " declares " + fixed[1] + " channels, more than the limit"
                        + " of " + limits.maxBands() + " bands a tile may have");
            }
        } else if (fixed[1] > MaskValues.MAX_CLASSES) {
            throw new IllegalArgumentException(what + " declares " + fixed[1] + " classes, more than the "
                    + MaskValues.MAX_CLASSES + " a mask can hold (mask value " + MaskValues.NO_DATA
                    + " means no data)");
        }
        long pixels = Math.max(fixed[2], 1) * Math.max(fixed[3], 1); // each is at most 2^63: checked below
        if (fixed[2] > limits.maxPixels() || fixed[3] > limits.maxPixels() || pixels > limits.maxPixels()) {
            throw new IllegalArgumentException(what + " declares a fixed size of " + fixed[2] + " x " + fixed[3]
                    + " pixels, more than the limit of " + limits.maxPixels() + " pixels a tile may have");
        }
        long bytes = Float.BYTES;
        for (long v : fixed) {
            bytes = saturatedMultiply(bytes, Math.max(v, 1));
        }
        if (bytes > limits.maxBatchBytes()) {
            throw new IllegalArgumentException(what + " declares fixed dims " + dimsText(fixed) + ", "
                    + (bytes == Long.MAX_VALUE ? "past 2^63 bytes" : bytes + " bytes")
                    + " as float32, more than the limit of " + limits.maxBatchBytes() + " bytes for a batch's tensors");
        }
    }

    /** Initializers, sparse initializers and the tensors and subgraphs held by node attributes, recursively. */
    private void checkTensors(GraphProto graph, String where) {
        for (TensorProto t : graph.getInitializerList()) {
            checkTensor(t, where + "initializer");
        }
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            checkSparse(s, where + "sparse initializer");
        }
        for (NodeProto n : graph.getNodeList()) {
            checkAttributes(n, where);
        }
    }

    private void checkAttributes(NodeProto node, String where) {
        String of = where + "attribute of node " + ModelNames.quote(node.getName()) + ": tensor";
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasT()) {
                checkTensor(a.getT(), of);
            }
            for (TensorProto t : a.getTensorsList()) {
                checkTensor(t, of);
            }
            if (a.hasSparseTensor()) {
                checkSparse(a.getSparseTensor(), of);
            }
            for (SparseTensorProto s : a.getSparseTensorsList()) {
                checkSparse(s, of);
            }
            String sub = where + "subgraph of node " + ModelNames.quote(node.getName()) + ": ";
            if (a.hasG()) {
                checkTensors(a.getG(), sub);
            }
            for (GraphProto g : a.getGraphsList()) {
                checkTensors(g, sub);
            }
        }
    }

    private void checkSparse(SparseTensorProto s, String kind) {
        // ONNX Runtime densifies sparse initializers: what counts is the size the dims declare.
        String what = kind + " " + ModelNames.quote(s.getValues().getName());
        long elements = elements(what, s.getDimsList());
        int bits = bitsPerElement(s.getValues().getDataType());
        long bytes = saturatedMultiply(elements, Math.max(bits, 8)) / 8;
        if (bytes > maxModelBytes) {
            throw new IllegalArgumentException(what + " declares dims " + s.getDimsList() + ", " + bytes
                    + " bytes once dense, more than the limit of " + maxModelBytes + " bytes");
        }
        checkTensor(s.getValues(), kind + " values");
        checkTensor(s.getIndices(), kind + " indices");
    }

    private void checkTensor(TensorProto t, String kind) {
        String what = kind + " " + ModelNames.quote(t.getName());
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new IllegalArgumentException(what + " keeps its data in an external file; import a"
                    + " self-contained model (ONNX Runtime would read that file from wherever the path leads)");
        }
        long elements = elements(what, t.getDimsList());
        if (elements == 0) {
            return;
        }
        int bits = bitsPerElement(t.getDataType());
        int raw = t.getRawData().size();
        boolean holds;
        String held;
        if (raw > 0) {
            long declaredBits = saturatedMultiply(elements, bits > 0 ? bits : 1);
            holds = declaredBits <= (long) raw * 8;
            held = raw + " bytes of data";
        } else {
            long entries = (long) t.getFloatDataCount() + t.getInt32DataCount() + t.getStringDataCount()
                    + t.getInt64DataCount() + t.getDoubleDataCount() + t.getUint64DataCount();
            // Sub-byte types may pack several elements into one 32-bit entry; no type packs more than 32.
            long perEntry = bits == 0 ? 32 : bits > 0 && bits < 8 ? 8 / bits : 1;
            holds = elements <= saturatedMultiply(entries, perEntry);
            held = entries + " values";
        }
        if (!holds) {
            throw new IllegalArgumentException(what + " declares dims " + t.getDimsList() + " (" + elements
                    + " elements of type " + TensorProto.DataType.forNumber(t.getDataType()) + ") but holds only "
                    + held);
        }
    }

    private static long elements(String what, List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(what + " declares dims " + dims + ": a negative dimension");
            }
            n = saturatedMultiply(n, d);
        }
        if (n == Long.MAX_VALUE) {
            throw new IllegalArgumentException(what + " declares dims " + dims + ", past 2^63 elements");
        }
        return n;
    }

    /** Bits of one element; -1 for strings, 0 for a type this ONNX version does not know. */
    private static int bitsPerElement(int dataType) {
        return switch (dataType) {
            case TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.INT8_VALUE, TensorProto.DataType.BOOL_VALUE,
                    TensorProto.DataType.FLOAT8E4M3FN_VALUE, TensorProto.DataType.FLOAT8E4M3FNUZ_VALUE,
                    TensorProto.DataType.FLOAT8E5M2_VALUE, TensorProto.DataType.FLOAT8E5M2FNUZ_VALUE -> 8;
            case TensorProto.DataType.UINT16_VALUE, TensorProto.DataType.INT16_VALUE,
                    TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BFLOAT16_VALUE -> 16;
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE,
                    TensorProto.DataType.UINT32_VALUE -> 32;
            case TensorProto.DataType.INT64_VALUE, TensorProto.DataType.UINT64_VALUE,
                    TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.COMPLEX64_VALUE -> 64;
            case TensorProto.DataType.COMPLEX128_VALUE -> 128;
            case TensorProto.DataType.UINT4_VALUE, TensorProto.DataType.INT4_VALUE, 23 /* FLOAT4E2M1 */ -> 4;
            case TensorProto.DataType.STRING_VALUE -> -1;
            default -> 0;
        };
    }

    private static long saturatedMultiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String dimsText(long[] fixed) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < fixed.length; i++) {
            b.append(i == 0 ? "" : ", ").append(fixed[i] < 0 ? "?" : Long.toString(fixed[i]));
        }
        return b.append(']').toString();
    }
}
