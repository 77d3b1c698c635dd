package io.satstream.training.pretext;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Per-pixel losses the objectives share, as NDArray arithmetic (differentiable through DJL's autograd). */
final class SegmentationLosses {

    private SegmentationLosses() {
    }

    /** Softmax cross-entropy averaged over the pixels of non-zero weight (weighted). */
    static NDArray crossEntropy(NDArray logits, NDArray target, NDArray weight) {
        NDArray picked = logits.logSoftmax(1).gather(target, 1);
        NDArray total = weight.sum().maximum(1f);
        return picked.mul(weight).sum().neg().div(total);
    }

    /**
     * Soft Dice loss of class 1 of a two-class output, per sample then averaged: {@code 1 - (2 sum(p y) + 1) /
     * (sum(p) + sum(y) + 1)} over pixels of non-zero weight. The +1 keeps an empty target (a negative pair) defined:
     * the loss then falls as the predicted area shrinks.
     */
    static NDArray dice(NDArray logits, NDArray target, NDArray weight) {
        NDArray p = logits.softmax(1).get(new NDIndex(":, 1:2")).mul(weight);
        NDArray y = target.toType(DataType.FLOAT32, false).mul(weight);
        int[] pixels = {1, 2, 3};
        NDArray overlap = p.mul(y).sum(pixels).mul(2f).add(1f);
        NDArray sizes = p.sum(pixels).add(y.sum(pixels)).add(1f);
        return overlap.div(sizes).neg().add(1f).mean();
    }
}
