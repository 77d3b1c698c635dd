package io.satstream.training.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The float initializers of an ONNX model, by name: the weights a warm start reads back from a version in the store
 * (the store keeps ONNX only, so the ONNX file is the checkpoint of record).
 */
public final class OnnxWeights {

    /** One initializer: its dims and its values, row-major. */
    public record Tensor(long[] dims, float[] values) {
        public Tensor {
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }
    }

    private final Map<String, Tensor> tensors;

    private OnnxWeights(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Reads every FLOAT initializer of {@code onnx}; throws IllegalArgumentException naming what is wrong. */
    public static OnnxWeights read(byte[] onnx) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                continue;
            }
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            long count = Arrays.stream(dims).reduce(1, Math::multiplyExact);
            float[] values;
            if (!t.getRawData().isEmpty()) {
                FloatBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                values = new float[raw.remaining()];
                raw.get(values);
            } else {
                values = new float[t.getFloatDataCount()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = t.getFloatData(i);
                }
            }
            if (values.length != count) {
                throw new IllegalArgumentException("initializer '" + t.getName() + "' declares dims "
                        + Arrays.toString(dims) + " but holds " + values.length + " values");
            }
            out.put(t.getName(), new Tensor(dims, values));
        }
        return new OnnxWeights(out);
    }

    /** The initializer called {@code name}, or null. */
    public Tensor get(String name) {
        return tensors.get(name);
    }

    public Map<String, Tensor> all() {
        return tensors;
    }
}
