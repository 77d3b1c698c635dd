package io.satstream.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A transposed convolution with kernel 2 and stride 2 (exactly ONNX {@code ConvTranspose(k=2, s=2)}), written with
 * ops the PyTorch engine supports because DJL's {@code Conv2dTranspose} is not implemented there.
 * Weight layout is ONNX's: (inChannels, outChannels, 2, 2).
 */
public final class ConvTranspose2x2 extends AbstractBlock {

    private final int outChannels;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose2x2(int inChannels, int outChannels) {
        this.outChannels = outChannels;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(inChannels, outChannels, 2, 2)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels)).build());
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return new NDList(apply(x, w, b));
    }

    /**
     * The op itself, on arrays: {@code x} (n, in, h, w), {@code w} (in, out, 2, 2), {@code b} (out) to (n, out, 2h, 2w).
     * out[n,o,2i+a,2j+b] = sum_c x[n,c,i,j] * W[c,o,a,b]: a 1x1 convolution to (o,a,b) channels, then a pixel shuffle.
     */
    public static NDArray apply(NDArray x, NDArray w, NDArray b) {
        Shape s = x.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long wd = s.get(3);
        long in = w.getShape().get(0);
        long out = w.getShape().get(1);
        NDArray kernel = w.transpose(1, 2, 3, 0).reshape(4L * out, in, 1, 1);
        NDArray y = Conv2d.conv2d(x, kernel).singletonOrThrow();
        y = y.reshape(n, out, 2, 2, h, wd).transpose(0, 1, 4, 2, 5, 3).reshape(n, out, 2 * h, 2 * wd);
        return y.add(b.reshape(1, out, 1, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, 2 * s.get(2), 2 * s.get(3))};
    }
}
