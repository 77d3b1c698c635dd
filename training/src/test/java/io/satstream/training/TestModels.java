package io.satstream.training;

import io.satstream.inference.InputSpec;
import java.util.Random;

/** Shared fixtures: one briefly trained model per test JVM (training costs seconds, the tests only read it). */
final class TestModels {

    private static TrainedModel small;

    private TestModels() {
    }

    /** 3 classes, base 8 channels, 6 Adam steps: weights and BN running statistics are no longer at their init. */
    static synchronized TrainedModel smallTrained() {
        if (small == null) {
            small = new SupervisedTrainer().train(
                    new SegmentationNet.Config(3, SyntheticBlobs.NUM_CLASSES, 8),
                    InputSpec.rgbUint8(64),
                    new SyntheticBlobs(72),
                    new TrainingOptions(6, 4, 64, 3e-3f, 11L));
        }
        return small;
    }

    static float[] randomInput(long seed, int n, int c, int h, int w) {
        Random rnd = new Random(seed);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
