package io.satstream.training;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import io.satstream.training.internal.NetLayer;
import io.satstream.training.internal.NetLayer.Conv1x1;
import io.satstream.training.internal.NetLayer.ConvBnRelu;
import io.satstream.training.internal.NetLayer.MaxPool2;
import io.satstream.training.internal.NetLayer.Sequence;
import io.satstream.training.internal.NetLayer.Skip;
import io.satstream.training.internal.NetLayer.UpConv2x2;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The segmentation network, declared once: a small UNet with {@link #LEVELS} downsampling levels. Each level is
 * (Conv3x3+BN+ReLU)x2 and doubles the channels after a 2x2 max pool; the decoder upsamples with a learned 2x2
 * transposed convolution, concatenates the skip connection and applies (Conv3x3+BN+ReLU)x2; a 1x1 convolution maps to
 * {@code numClasses} logits. {@link #newBlock()} builds it for DJL and {@link OnnxExporter} emits the same
 * declaration as ONNX.
 */
public final class SegmentationNet {

    /** Number of 2x downsamplings; input height and width must be multiples of {@code 2^LEVELS}. */
    public static final int LEVELS = 2;

    public record Config(int inChannels, int numClasses, int baseChannels) {
        public Config {
            if (inChannels < 1) {
                throw new IllegalArgumentException("inChannels must be >= 1: " + inChannels);
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException("numClasses must be >= 2: " + numClasses);
            }
            if (baseChannels < 1 || baseChannels > 1024) {
                throw new IllegalArgumentException("baseChannels must be in 1..1024: " + baseChannels);
            }
        }
    }

    private final Config config;
    private final NetLayer declaration;

    public SegmentationNet(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.declaration = new Sequence("unet", List.of(
                level(0, config.inChannels()),
                new Conv1x1("head", config.baseChannels(), config.numClasses())));
    }

    /** Encoder block of level {@code i}, then (below the last level) the deeper path inside a skip and a decoder. */
    private NetLayer level(int i, int in) {
        int c = config.baseChannels() << i;
        String p = "l" + i;
        List<NetLayer> layers = new ArrayList<>();
        layers.add(new ConvBnRelu(p + ".enc1", in, c));
        layers.add(new ConvBnRelu(p + ".enc2", c, c));
        if (i < LEVELS) {
            NetLayer deeper = new Sequence(p + ".down", List.of(
                    new MaxPool2(p + ".pool"),
                    level(i + 1, c),
                    new UpConv2x2(p + ".up", 2 * c, c)));
            layers.add(new Skip(p + ".skip", deeper));
            layers.add(new ConvBnRelu(p + ".dec1", 2 * c, c));
            layers.add(new ConvBnRelu(p + ".dec2", c, c));
        }
        return new Sequence(p, layers);
    }

    public Config config() {
        return config;
    }

    public int levels() {
        return LEVELS;
    }

    /** Input height and width must be multiples of this. */
    public int sizeMultiple() {
        return 1 << LEVELS;
    }

    /** Throws a clear exception when an image of this size cannot pass through the network. */
    public void checkInputSize(int height, int width) {
        int m = sizeMultiple();
        if (height < m || width < m || height % m != 0 || width % m != 0) {
            throw new IllegalArgumentException("input height and width must be positive multiples of " + m
                    + ", got " + height + "x" + width);
        }
    }

    /**
     * A fresh DJL block (uninitialised). Weights get He-normal initialisation (suited to ReLU), biases zero;
     * call {@code block.initialize(manager, DataType.FLOAT32, new Shape(1, inChannels, m, m))} or hand it to a trainer.
     */
    public Block newBlock() {
        Block block = declaration.build();
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        return block;
    }

    /**
     * The parameters of {@code block} (built by {@link #newBlock()} and initialised) under their ONNX initializer
     * names, in declaration order: names that stay the same from run to run, unlike DJL's parameter ids.
     */
    public Map<String, Parameter> parametersByName(Block block) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        declaration.restore(block, (name, shape, parameter) -> byName.put(name, parameter));
        return byName;
    }

    NetLayer declaration() {
        return declaration;
    }

    @Override
    public String toString() {
        return "SegmentationNet[unet, levels=" + LEVELS + ", " + config + "]";
    }
}
