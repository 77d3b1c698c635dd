package io.satstream.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The app's first-start training ({@link TrainingOptions#brief}) on the synthetic source: reports its duration and
 * checks the model it produces is good. Slow (tens of seconds), hence an integration test.
 */
class BriefTrainingBudgetITCase {

    @Test
    void briefTrainingLearnsTheSyntheticTask() {
        long t0 = System.nanoTime();
        try (TrainedModel model = new SupervisedTrainer().train(
                new SegmentationNet.Config(3, SyntheticBlobs.NUM_CLASSES, 8),
                InputSpec.rgbUint8(128),
                new SyntheticBlobs(160),
                TrainingOptions.brief(7L))) {
            double total = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> m = model.metrics();
            System.out.printf("brief training: %s, total %.1f s%n", m, total);
            assertThat(m.get("miou")).isGreaterThan(0.9);
            assertThat(m.get("train_loss")).isLessThan(m.get("train_loss_first") / 4);
        }
    }
}
