package io.satstream.training;

import io.satstream.inference.Evaluation;
import java.util.Objects;

/**
 * How one {@link SupervisedTrainer#train} call fits into a longer run: how many steps an interrupted run had done
 * before (its checkpoint is then the parent whose weights start this call), how often this call hands its weights to
 * a {@link Checkpoint}, and what measures the result ({@link HeldOut}; by default centre crops drawn from the training
 * source with another seed).
 *
 * @param stepsDone steps of the run already done; this call goes on from there to {@link TrainingOptions#steps()}
 * @param checkpointEvery hand the weights to {@code checkpoint} after every this many steps; 0 = never
 * @param checkpoint where they go, or null when {@code checkpointEvery} is 0
 * @param heldOut what measures the trained model, or null for the trainer's default
 */
public record TrainingRun(int stepsDone, int checkpointEvery, Checkpoint checkpoint, HeldOut heldOut) {

    /** Measures a trained model on held-out data, given its ONNX export (the artifact that will serve). */
    @FunctionalInterface
    public interface HeldOut {
        Evaluation evaluate(byte[] onnx);
    }

    /** Receives the weights of a run in progress, as ONNX, after {@code stepsDone} steps; runs on the training thread. */
    @FunctionalInterface
    public interface Checkpoint {
        void save(int stepsDone, byte[] onnx);
    }

    public TrainingRun {
        if (stepsDone < 0) {
            throw new IllegalArgumentException("stepsDone must be >= 0: " + stepsDone);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be >= 0 (0 = never): " + checkpointEvery);
        }
        if (checkpointEvery > 0) {
            Objects.requireNonNull(checkpoint, "checkpoint (needed when checkpointEvery > 0)");
        }
    }

    /** A whole run in one call: no checkpoints, the trainer's default held-out evaluation. */
    public static TrainingRun whole() {
        return new TrainingRun(0, 0, null, null);
    }

    /** The same run, measured by {@code heldOut} instead. */
    public TrainingRun measuredBy(HeldOut heldOut) {
        return new TrainingRun(stepsDone, checkpointEvery, checkpoint, Objects.requireNonNull(heldOut, "heldOut"));
    }

    /** The same run, checkpointing every {@code every} steps into {@code sink}. */
    public TrainingRun checkpointing(int every, Checkpoint sink) {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1 step: " + every);
        }
        return new TrainingRun(stepsDone, every, Objects.requireNonNull(sink, "sink"), heldOut);
    }

    /** The same run, going on after {@code steps} steps done before (by the run whose checkpoint is the parent). */
    public TrainingRun resumedAfter(int steps) {
        return new TrainingRun(steps, checkpointEvery, checkpoint, heldOut);
    }
}
