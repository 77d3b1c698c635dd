package io.satstream.training.pretrain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the continuous trainer runs; every default in one place. Built with {@link #builder()}; {@code build()} checks
 * everything and names each problem.
 *
 * @param modelName the model in the store whose serving version is the parent and which candidates join
 * @param batchSize tiles per pretext step
 * @param learningRate Adam's rate for the pretext steps
 * @param baseChannels the UNet width when the serving version does not say (its manifest's {@code network})
 * @param candidateEvery pretext steps between two candidates
 * @param fineTuneSteps supervised steps that turn the pretext network into a candidate
 * @param fineTuneBatch batch size of those steps
 * @param fineTuneCrop crop side (pixels) of those steps and of the held-out evaluation
 * @param fineTuneLearningRate Adam's rate for the fine-tuning
 * @param promotionDelta a candidate is promoted when its held-out mIoU beats the serving version's by at least this
 * @param dutyCycle the share of wall time the trainer may compute (after a step of t seconds it rests t (1/d - 1)), so
 *     that on a CPU it leaves the segmentation job its share
 * @param idleWait how long a step waits for the buffer to hold a tile before giving up (starvation is counted)
 * @param seed seeds batch construction and initialisation
 */
public record ContinuousTrainerOptions(String modelName, int batchSize, float learningRate, int baseChannels,
        int candidateEvery, int fineTuneSteps, int fineTuneBatch, int fineTuneCrop, float fineTuneLearningRate,
        double promotionDelta, double dutyCycle, Duration idleWait, long seed) {

    public static final String DEFAULT_MODEL = "unet";
    public static final int DEFAULT_BATCH_SIZE = 8;
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;
    public static final int DEFAULT_BASE_CHANNELS = 16;
    public static final int DEFAULT_CANDIDATE_EVERY = 200;
    public static final int DEFAULT_FINE_TUNE_STEPS = 100;
    public static final int DEFAULT_FINE_TUNE_BATCH = 4;
    public static final int DEFAULT_FINE_TUNE_CROP = 128;
    public static final float DEFAULT_FINE_TUNE_LEARNING_RATE = 1e-3f;
    public static final double DEFAULT_PROMOTION_DELTA = 0.01;
    public static final double DEFAULT_DUTY_CYCLE = 0.5;
    public static final Duration DEFAULT_IDLE_WAIT = Duration.ofMillis(500);
    public static final long DEFAULT_SEED = 42;

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelName = modelName;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.baseChannels = baseChannels;
        b.candidateEvery = candidateEvery;
        b.fineTuneSteps = fineTuneSteps;
        b.fineTuneBatch = fineTuneBatch;
        b.fineTuneCrop = fineTuneCrop;
        b.fineTuneLearningRate = fineTuneLearningRate;
        b.promotionDelta = promotionDelta;
        b.dutyCycle = dutyCycle;
        b.idleWait = idleWait;
        b.seed = seed;
        return b;
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private String modelName = DEFAULT_MODEL;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private float learningRate = DEFAULT_LEARNING_RATE;
        private int baseChannels = DEFAULT_BASE_CHANNELS;
        private int candidateEvery = DEFAULT_CANDIDATE_EVERY;
        private int fineTuneSteps = DEFAULT_FINE_TUNE_STEPS;
        private int fineTuneBatch = DEFAULT_FINE_TUNE_BATCH;
        private int fineTuneCrop = DEFAULT_FINE_TUNE_CROP;
        private float fineTuneLearningRate = DEFAULT_FINE_TUNE_LEARNING_RATE;
        private double promotionDelta = DEFAULT_PROMOTION_DELTA;
        private double dutyCycle = DEFAULT_DUTY_CYCLE;
        private Duration idleWait = DEFAULT_IDLE_WAIT;
        private long seed = DEFAULT_SEED;

        public Builder modelName(String v) {
            modelName = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder baseChannels(int v) {
            baseChannels = v;
            return this;
        }

        public Builder candidateEvery(int v) {
            candidateEvery = v;
            return this;
        }

        public Builder fineTuneSteps(int v) {
            fineTuneSteps = v;
            return this;
        }

        public Builder fineTuneBatch(int v) {
            fineTuneBatch = v;
            return this;
        }

        public Builder fineTuneCrop(int v) {
            fineTuneCrop = v;
            return this;
        }

        public Builder fineTuneLearningRate(float v) {
            fineTuneLearningRate = v;
            return this;
        }

        public Builder promotionDelta(double v) {
            promotionDelta = v;
            return this;
        }

        public Builder dutyCycle(double v) {
            dutyCycle = v;
            return this;
        }

        public Builder idleWait(Duration v) {
            idleWait = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public ContinuousTrainerOptions build() {
            List<String> problems = new ArrayList<>();
            if (modelName == null || modelName.isBlank()) {
                problems.add("modelName must be non-blank");
            }
            positive(problems, "batchSize", batchSize);
            positive(problems, "baseChannels", baseChannels);
            positive(problems, "candidateEvery", candidateEvery);
            positive(problems, "fineTuneSteps", fineTuneSteps);
            positive(problems, "fineTuneBatch", fineTuneBatch);
            if (fineTuneCrop < 4 || fineTuneCrop % 4 != 0) {
                problems.add("fineTuneCrop must be a positive multiple of 4 (the UNet's size multiple), got "
                        + fineTuneCrop);
            }
            rate(problems, "learningRate", learningRate);
            rate(problems, "fineTuneLearningRate", fineTuneLearningRate);
            if (!(promotionDelta >= 0) || Double.isInfinite(promotionDelta)) {
                problems.add("promotionDelta must be >= 0, got " + promotionDelta);
            }
            if (!(dutyCycle > 0 && dutyCycle <= 1)) {
                problems.add("dutyCycle must be in (0, 1], got " + dutyCycle);
            }
            if (idleWait == null || idleWait.isNegative()) {
                problems.add("idleWait must be >= 0, got " + idleWait);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid continuous trainer options: " + String.join("; ",
                        problems));
            }
            return new ContinuousTrainerOptions(modelName, batchSize, learningRate, baseChannels, candidateEvery,
                    fineTuneSteps, fineTuneBatch, fineTuneCrop, fineTuneLearningRate, promotionDelta, dutyCycle,
                    idleWait, seed);
        }

        private static void positive(List<String> problems, String name, int value) {
            if (value < 1) {
                problems.add(name + " must be >= 1, got " + value);
            }
        }

        private static void rate(List<String> problems, String name, float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                problems.add(name + " must be positive and finite, got " + value);
            }
        }
    }
}
