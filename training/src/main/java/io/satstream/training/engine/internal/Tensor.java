package io.satstream.training.engine.internal;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/** A float array with its shape; what a probe hands to the engine and to the reference. */
public record Tensor(float[] data, long... dims) {

    public Tensor {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(data.length + " values do not fill " + Arrays.toString(dims));
        }
    }

    /** Values drawn from N(0, 1). */
    static Tensor gaussian(Random rnd, long... dims) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        float[] data = new float[Math.toIntExact(size)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        return new Tensor(data, dims);
    }

    Shape shape() {
        return new Shape(dims);
    }
}
