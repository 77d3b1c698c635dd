package io.satstream.training;

/** Supervised training settings: Adam with a fixed learning rate on random square crops. */
public record TrainingOptions(int steps, int batchSize, int cropSize, float learningRate, long seed) {

    public TrainingOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1: " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
        }
        if (cropSize < 1) {
            throw new IllegalArgumentException("cropSize must be >= 1: " + cropSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite: " + learningRate);
        }
    }
}
