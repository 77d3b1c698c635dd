package io.satstream.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Per-pixel softmax cross-entropy averaged over the pixels that carry a label. Labels are NDList
 * [class index (N,1,H,W) int64, valid mask (N,1,H,W) float]; ignored pixels have mask 0 (their index is any valid
 * class). DJL's own SoftmaxCrossEntropyLoss has no ignore label.
 */
public final class MaskedCrossEntropy extends Loss {

    public MaskedCrossEntropy() {
        super("masked_ce");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray index = labels.get(0);
        NDArray valid = labels.get(1);
        NDArray picked = logits.logSoftmax(1).gather(index, 1);
        NDArray count = valid.sum().maximum(1f);
        return picked.mul(valid).sum().neg().div(count);
    }
}
