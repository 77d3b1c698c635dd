package io.satstream.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Map;
import java.util.Objects;

/**
 * What a segmentation ONNX model declares, as ONNX Runtime sees it: one 4-D float input (N, C, H, W) and a 4-D float
 * logits output (N, K, H, W). {@code height}/{@code width} are -1 when dynamic; {@code sizeMultiple} comes from the
 * model's metadata (1 when absent).
 */
public record OnnxModelInfo(String inputName, int inputChannels, int height, int width, String outputName,
        int numClasses, int sizeMultiple, Map<String, String> metadata) {

    /** The input name satstream's exporter writes. */
    public static final String INPUT_NAME = "input";
    /** The output served when a model has several: the one satstream's exporter writes. */
    public static final String OUTPUT_NAME = "logits";
    /** Metadata key: height and width must be multiples of this (a UNet's pooling levels). */
    public static final String META_SIZE_MULTIPLE = "satstream.size_multiple";

    public OnnxModelInfo {
        metadata = Map.copyOf(metadata);
    }

    /** Opens {@code onnxModel} with ONNX Runtime and describes it; refuses anything that is not a segmentation model. */
    public static OnnxModelInfo inspect(byte[] onnxModel) {
        Objects.requireNonNull(onnxModel, "onnxModel");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = openSession(env, onnxModel, opts)) {
                return describe(session);
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime could not read the model: " + e.getMessage(), e);
        }
    }

    static OrtSession openSession(OrtEnvironment env, byte[] onnxModel, OrtSession.SessionOptions opts) {
        if (onnxModel.length == 0) {
            throw new IllegalArgumentException("not an ONNX model: the file is empty");
        }
        try {
            return env.createSession(onnxModel, opts);
        } catch (OrtException e) {
            throw new IllegalArgumentException("not a loadable ONNX model: " + e.getMessage(), e);
        }
    }

    static OnnxModelInfo describe(OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("a segmentation model needs exactly one input, found " + inputs.keySet());
        }
        Map.Entry<String, NodeInfo> in = inputs.entrySet().iterator().next();
        long[] inShape = nchwFloat("input", in.getKey(), in.getValue());
        if (inShape[1] <= 0) {
            throw new IllegalArgumentException("input '" + in.getKey() + "' must have a fixed channel dimension");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        Map.Entry<String, NodeInfo> out;
        if (outputs.containsKey(OUTPUT_NAME)) {
            out = Map.entry(OUTPUT_NAME, outputs.get(OUTPUT_NAME));
        } else if (outputs.size() == 1) {
            out = outputs.entrySet().iterator().next();
        } else {
            throw new IllegalArgumentException("expected one output or one named '" + OUTPUT_NAME
                    + "', found " + outputs.keySet());
        }
        long[] outShape = nchwFloat("output", out.getKey(), out.getValue());
        if (outShape[1] < 2) {
            throw new IllegalArgumentException("output '" + out.getKey()
                    + "' must have a fixed class dimension of at least 2, found " + outShape[1]);
        }
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        int multiple = 1;
        String m = meta.get(META_SIZE_MULTIPLE);
        if (m != null) {
            try {
                multiple = Integer.parseInt(m.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("metadata " + META_SIZE_MULTIPLE
                        + " is not an integer: " + m);
            }
            if (multiple < 1) {
                throw new IllegalArgumentException("metadata " + META_SIZE_MULTIPLE + " must be >= 1: " + m);
            }
        }
        return new OnnxModelInfo(in.getKey(), (int) inShape[1], (int) inShape[2], (int) inShape[3], out.getKey(),
                (int) outShape[1], multiple, meta);
    }

    private static long[] nchwFloat(String role, String name, NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException(role + " '" + name + "' is not a tensor: " + node.getInfo());
        }
        if (t.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(role + " '" + name + "' must be float32, found " + t.type);
        }
        long[] shape = t.getShape();
        if (shape.length != 4) {
            throw new IllegalArgumentException(role + " '" + name + "' must be 4-D (N, C, H, W), found rank "
                    + shape.length);
        }
        return shape;
    }

    /** Throws a clear exception if a batch of this shape cannot be fed to the model. */
    public void checkInput(int channels, int h, int w) {
        if (channels != inputChannels) {
            throw new IllegalArgumentException("model expects " + inputChannels + " input channels, got " + channels);
        }
        if (height > 0 && h != height || width > 0 && w != width) {
            throw new IllegalArgumentException("model expects " + height + "x" + width + " inputs, got " + h + "x" + w);
        }
        if (h < 1 || w < 1 || h % sizeMultiple != 0 || w % sizeMultiple != 0) {
            throw new IllegalArgumentException("input height and width must be positive multiples of " + sizeMultiple
                    + ", got " + h + "x" + w);
        }
    }
}
