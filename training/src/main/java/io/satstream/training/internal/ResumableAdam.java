package io.satstream.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.optimizer.Optimizer;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam (beta1 0.9, beta2 0.999, epsilon 1e-8, fixed learning rate, no weight decay) with its per-parameter state in
 * the open, so that a training checkpoint holds the moments and step counts and a resumed run continues the same
 * trajectory. DJL's own Adam keeps that state private. The update is the engine's fused Adam kernel, called as DJL's
 * Adam calls it.
 */
public final class ResumableAdam extends Optimizer {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPSILON = 1e-8f;

    /** One parameter's state: how many updates it had and its first and second moments (same shape as it). */
    public record State(int updates, NDArray mean, NDArray variance) {}

    private final float learningRate;
    private final Map<String, State> states = new HashMap<>();

    public ResumableAdam(float learningRate) {
        super(new Builder().setRescaleGrad(1f));
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite: " + learningRate);
        }
        this.learningRate = learningRate;
    }

    public float learningRate() {
        return learningRate;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        State s = states.get(parameterId);
        if (s == null) {
            s = new State(0, weight.zerosLike(), weight.zerosLike());
        }
        int t = s.updates() + 1;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        float corrected = (float) (learningRate * Math.sqrt(c2) / c1);
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, s.mean(), s.variance()),
                new NDList(weight), learningRate, corrected, 0f, rescaleGrad, clipGrad, BETA1,
                BETA2, EPSILON, true, false);
        states.put(parameterId, new State(t, s.mean(), s.variance()));
    }

    /** The state of a parameter (by DJL parameter id), or null before its first update. */
    public State state(String parameterId) {
        return states.get(parameterId);
    }

    /**
     * Puts back the state a checkpoint saved for a parameter; {@code mean} and {@code variance} must live where the
     * parameter lives (its manager and device) and have its shape.
     */
    public void restore(String parameterId, State state) {
        if (state.updates() < 0) {
            throw new IllegalArgumentException("updates must be >= 0: " + state.updates());
        }
        states.put(parameterId, state);
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
