package io.satstream.training.internal;

import static io.satstream.training.internal.OnnxGraphBuilder.floatAttr;
import static io.satstream.training.internal.OnnxGraphBuilder.intAttr;
import static io.satstream.training.internal.OnnxGraphBuilder.ints;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of the network declaration. Each kind knows how to build its DJL block and how to emit the same
 * computation as ONNX nodes from that (trained) block, so training and export walk one declaration and cannot drift.
 */
public sealed interface NetLayer {

    /** Builds a fresh, uninitialised DJL block for this layer. */
    Block build();

    /** Emits ONNX nodes reading {@code input}, taking weights from {@code built} (made by {@link #build()}). */
    String emit(OnnxGraphBuilder g, Block built, String input);

    /**
     * Hands every parameter of {@code built} (made by {@link #build()} and initialised) to {@code weights} under the
     * name and shape {@link #emit} gives its initializer, so weights exported as ONNX find their way back.
     */
    void restore(Block built, ParameterSink weights);

    /** Receives the parameters of a block during {@link #restore}, each with its ONNX initializer name and shape. */
    @FunctionalInterface
    interface ParameterSink {
        void accept(String name, long[] shape, Parameter parameter);
    }

    float BN_EPSILON = 1e-5f;
    float BN_MOMENTUM = 0.9f;

    /** 3x3 convolution (no bias, padding 1) + batch norm + ReLU. */
    record ConvBnRelu(String name, int in, int out) implements NetLayer {
        @Override
        public Block build() {
            return new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                            .setFilters(out).optBias(false).build())
                    .add(BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(BN_MOMENTUM).build())
                    .add(Activation.reluBlock());
        }

        @Override
        public String emit(OnnxGraphBuilder g, Block built, String input) {
            List<Block> parts = children(built, 3);
            String w = g.initializer(name + ".conv.weight", new long[] {out, in, 3, 3}, param(parts.get(0), "weight"));
            String conv = g.node("Conv", name + ".conv", List.of(input, w),
                    ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1));
            Block bn = parts.get(1);
            long[] c = {out};
            String bnOut = g.node("BatchNormalization", name + ".bn", List.of(conv,
                            g.initializer(name + ".bn.gamma", c, param(bn, "gamma")),
                            g.initializer(name + ".bn.beta", c, param(bn, "beta")),
                            g.initializer(name + ".bn.running_mean", c, param(bn, "runningMean")),
                            g.initializer(name + ".bn.running_var", c, param(bn, "runningVar"))),
                    floatAttr("epsilon", BN_EPSILON));
            return g.node("Relu", name + ".relu", List.of(bnOut));
        }

        @Override
        public void restore(Block built, ParameterSink weights) {
            List<Block> parts = children(built, 3);
            weights.accept(name + ".conv.weight", new long[] {out, in, 3, 3}, parameter(parts.get(0), "weight"));
            Block bn = parts.get(1);
            long[] c = {out};
            weights.accept(name + ".bn.gamma", c, parameter(bn, "gamma"));
            weights.accept(name + ".bn.beta", c, parameter(bn, "beta"));
            weights.accept(name + ".bn.running_mean", c, parameter(bn, "runningMean"));
            weights.accept(name + ".bn.running_var", c, parameter(bn, "runningVar"));
        }
    }

    /** 2x2 max pooling with stride 2. */
    record MaxPool2(String name) implements NetLayer {
        @Override
        public Block build() {
            return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
        }

        @Override
        public String emit(OnnxGraphBuilder g, Block built, String input) {
            return g.node("MaxPool", name, List.of(input), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        }

        @Override
        public void restore(Block built, ParameterSink weights) {
            // no parameters
        }
    }

    /** 2x upsampling by a learned transposed convolution (kernel 2, stride 2, with bias). */
    record UpConv2x2(String name, int in, int out) implements NetLayer {
        @Override
        public Block build() {
            return new ConvTranspose2x2(in, out);
        }

        @Override
        public String emit(OnnxGraphBuilder g, Block built, String input) {
            String w = g.initializer(name + ".weight", new long[] {in, out, 2, 2}, param(built, "weight"));
            String b = g.initializer(name + ".bias", new long[] {out}, param(built, "bias"));
            return g.node("ConvTranspose", name, List.of(input, w, b),
                    ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        }

        @Override
        public void restore(Block built, ParameterSink weights) {
            weights.accept(name + ".weight", new long[] {in, out, 2, 2}, parameter(built, "weight"));
            weights.accept(name + ".bias", new long[] {out}, parameter(built, "bias"));
        }
    }

    /** 1x1 convolution with bias: the per-pixel classifier. */
    record Conv1x1(String name, int in, int out) implements NetLayer {
        @Override
        public Block build() {
            return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build();
        }

        @Override
        public String emit(OnnxGraphBuilder g, Block built, String input) {
            String w = g.initializer(name + ".weight", new long[] {out, in, 1, 1}, param(built, "weight"));
            String b = g.initializer(name + ".bias", new long[] {out}, param(built, "bias"));
            return g.node("Conv", name, List.of(input, w, b), ints("kernel_shape", 1, 1));
        }

        @Override
        public void restore(Block built, ParameterSink weights) {
            weights.accept(name + ".weight", new long[] {out, in, 1, 1}, parameter(built, "weight"));
            weights.accept(name + ".bias", new long[] {out}, parameter(built, "bias"));
        }
    }

    /** Skip connection: output = concat(input, inner(input)) along channels, input first. */
    record Skip(String name, NetLayer inner) implements NetLayer {
        @Override
        public Block build() {
            return new ParallelBlock(
                    outs -> new NDList(NDArrays.concat(
                            new NDList(outs.get(0).singletonOrThrow(), outs.get(1).singletonOrThrow()), 1)),
                    List.of(Blocks.identityBlock(), inner.build()));
        }

        @Override
        public String emit(OnnxGraphBuilder g, Block built, String input) {
            List<Block> parts = children(built, 2);
            String innerOut = inner.emit(g, parts.get(1), input);
            return g.node("Concat", name + ".concat", List.of(input, innerOut), intAttr("axis", 1));
        }

        @Override
        public void restore(Block built, ParameterSink weights) {
            inner.restore(children(built, 2).get(1), weights);
        }
    }

    /** Layers applied one after another. */
    record Sequence(String name, List<NetLayer> layers) implements NetLayer {
        public Sequence {
            layers = List.copyOf(layers);
        }

        @Override
        public Block build() {
            SequentialBlock block = new SequentialBlock();
            for (NetLayer layer : layers) {
                block.add(layer.build());
            }
            return block;
        }

        @Override
        public String emit(OnnxGraphBuilder g, Block built, String input) {
            List<Block> parts = children(built, layers.size());
            String current = input;
            for (int i = 0; i < layers.size(); i++) {
                current = layers.get(i).emit(g, parts.get(i), current);
            }
            return current;
        }

        @Override
        public void restore(Block built, ParameterSink weights) {
            List<Block> parts = children(built, layers.size());
            for (int i = 0; i < layers.size(); i++) {
                layers.get(i).restore(parts.get(i), weights);
            }
        }
    }

    private static List<Block> children(Block built, int expected) {
        List<Block> out = new ArrayList<>(built.getChildren().values());
        if (out.size() != expected) {
            throw new IllegalArgumentException("block does not match the declaration: expected " + expected
                    + " children, found " + out.size() + " in " + built.getClass().getSimpleName());
        }
        return out;
    }

    private static float[] param(Block block, String name) {
        NDArray array = parameter(block, name).getArray();
        return array.toFloatArray();
    }

    private static Parameter parameter(Block block, String name) {
        Parameter p = block.getParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw new IllegalArgumentException("parameter '" + name + "' of " + block.getClass().getSimpleName()
                    + " is missing or not initialised");
        }
        return p;
    }
}
