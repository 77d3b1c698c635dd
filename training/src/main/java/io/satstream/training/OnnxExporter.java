package io.satstream.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.satstream.inference.OnnxModelInfo;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.internal.OnnxGraphBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a trained {@link SegmentationNet} as an ONNX model (IR 8, opset 17): input {@value #INPUT_NAME}
 * (N, C, H, W) float with symbolic N, H, W; output {@value #OUTPUT_NAME} (N, numClasses, H, W).
 * The graph is emitted by walking the same declaration that built the DJL block.
 */
public final class OnnxExporter {

    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;
    public static final String INPUT_NAME = OnnxModelInfo.INPUT_NAME;
    public static final String OUTPUT_NAME = OnnxModelInfo.OUTPUT_NAME;
    /** Custom metadata keys recorded in the model, read back by {@link OnnxModelInfo}. */
    public static final String META_SIZE_MULTIPLE = OnnxModelInfo.META_SIZE_MULTIPLE;
    public static final String META_NETWORK = "satstream.network";
    public static final String META_BASE_CHANNELS = "satstream.base_channels";

    private OnnxExporter() {
    }

    /** The ONNX bytes of {@code net} with the parameters currently held by {@code trainedBlock}. */
    public static byte[] export(SegmentationNet net, Block trainedBlock) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(trainedBlock, "trainedBlock");
        if (!trainedBlock.isInitialized()) {
            throw new IllegalArgumentException("the block has no parameters yet: initialise or train it before export");
        }
        SegmentationNet.Config cfg = net.config();
        OnnxGraphBuilder g = new OnnxGraphBuilder("satstream_unet");
        String last = net.declaration().emit(g, trainedBlock, INPUT_NAME);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_NETWORK, "unet-l" + net.levels());
        meta.put(META_SIZE_MULTIPLE, Integer.toString(net.sizeMultiple()));
        meta.put(META_BASE_CHANNELS, Integer.toString(cfg.baseChannels()));
        ModelProto model = g.toModel(
                OnnxGraphBuilder.float4d(INPUT_NAME, "N", (long) cfg.inChannels(), "H", "W"),
                last,
                OnnxGraphBuilder.float4d(OUTPUT_NAME, "N", (long) cfg.numClasses(), "H", "W"),
                IR_VERSION, OPSET, "satstream", meta);
        return model.toByteArray();
    }

    /**
     * {@code net} freshly initialised (He-normal weights, zero biases, no training) as ONNX: the starting point of
     * training from scratch, and a real model wherever the weights do not matter.
     */
    public static byte[] exportInitialised(SegmentationNet net) {
        Block block = net.newBlock();
        int m = net.sizeMultiple();
        try (NDManager manager = TrainingEngine.shared().newManager()) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, net.config().inChannels(), m, m));
            return export(net, block);
        }
    }
}
