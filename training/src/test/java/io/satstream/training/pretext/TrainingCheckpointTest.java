package io.satstream.training.pretext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.internal.OnnxWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed trainer continues where the checkpoint left off: the same step count, and on the same batches the same
 * weights as a run that never stopped, which needs Adam's moments as well as the weights (a restart from weights
 * alone is shown to end elsewhere).
 */
class TrainingCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void aResumedTrainerEndsWhereAnUninterruptedOneEnds() {
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(SopOptions.defaults());
        List<PretextBatch> batches = new ArrayList<>();
        Random rnd = new Random(4);
        for (int i = 0; i < 8; i++) {
            batches.add(sop.batch(PretextTrainerTest.tiles(4, rnd), rnd).orElseThrow());
        }
        TrainingEngine engine = TrainingEngine.shared();
        Path dir = tmp.resolve("checkpoints");

        byte[] uninterrupted;
        try (PretextTrainer t = new PretextTrainer(engine, sop, sop.network(3, 2, 4), 3e-3f, 5, null)) {
            for (int i = 0; i < 4; i++) {
                t.step(batches.get(i));
            }
            t.checkpoint(dir, Map.of("candidates", 2));
            for (int i = 4; i < 8; i++) {
                t.step(batches.get(i));
            }
            uninterrupted = t.exportOnnx();
        }

        byte[] resumed;
        try (PretextTrainer t = PretextTrainer.resume(engine, sop, dir)) {
            assertThat(t.steps()).isEqualTo(4);
            for (int i = 4; i < 8; i++) {
                t.step(batches.get(i));
            }
            assertThat(t.steps()).isEqualTo(8);
            resumed = t.exportOnnx();
        }
        assertThat(TrainingCheckpoint.readLatest(dir).extra()).containsEntry("candidates", 2);

        // Weights only (fresh Adam moments): the same four batches lead somewhere else.
        byte[] weightsOnly;
        try (PretextTrainer t = new PretextTrainer(engine, sop, sop.network(3, 2, 4), 3e-3f, 5,
                TrainingCheckpoint.readLatest(dir).weights())) {
            for (int i = 4; i < 8; i++) {
                t.step(batches.get(i));
            }
            weightsOnly = t.exportOnnx();
        }
        double resumedGap = maxDiff(uninterrupted, resumed);
        double weightsOnlyGap = maxDiff(uninterrupted, weightsOnly);
        System.out.printf("max weight difference to the uninterrupted run: resumed %.2e, weights only %.2e%n",
                resumedGap, weightsOnlyGap);
        assertThat(resumedGap).isLessThan(1e-5);
        assertThat(weightsOnlyGap).isGreaterThan(100 * Math.max(resumedGap, 1e-7));
    }

    @Test
    void onlyTheTwoNewestCheckpointsAreKeptAndLatestNamesTheNewest() throws Exception {
        NoisyLabels noisy = new NoisyLabels(3);
        Path dir = tmp.resolve("cp");
        Random rnd = new Random(1);
        try (PretextTrainer t = new PretextTrainer(TrainingEngine.shared(), noisy, noisy.network(3, 3, 4), 1e-3f, 1,
                null)) {
            for (int i = 0; i < 3; i++) {
                t.step(noisy.batch(PretextTrainerTest.tiles(2, rnd), rnd).orElseThrow());
                t.checkpoint(dir, Map.of());
            }
        }
        try (var children = Files.list(dir)) {
            assertThat(children.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("step-2", "step-3", TrainingCheckpoint.LATEST);
        }
        assertThat(Files.readString(dir.resolve(TrainingCheckpoint.LATEST))).isEqualTo("step-3");
        assertThat(TrainingCheckpoint.readLatest(dir).steps()).isEqualTo(3);
    }

    @Test
    void aMissingCheckpointOrAnotherObjectivesIsRefusedWithTheReason() {
        assertThatThrownBy(() -> TrainingCheckpoint.readLatest(tmp.resolve("none")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no training checkpoint in ");
        NoisyLabels noisy = new NoisyLabels(3);
        Path dir = tmp.resolve("noisy");
        try (PretextTrainer t = new PretextTrainer(TrainingEngine.shared(), noisy, noisy.network(3, 3, 4), 1e-3f, 1,
                null)) {
            t.checkpoint(dir, Map.of());
        }
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(SopOptions.defaults());
        assertThatThrownBy(() -> PretextTrainer.resume(TrainingEngine.shared(), sop, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is of objective 'noisy', not 'sop'");
    }

    private static double maxDiff(byte[] a, byte[] b) {
        OnnxWeights wa = OnnxWeights.read(a);
        OnnxWeights wb = OnnxWeights.read(b);
        double max = 0;
        for (Map.Entry<String, OnnxWeights.Tensor> e : wa.all().entrySet()) {
            float[] x = e.getValue().values();
            float[] y = wb.get(e.getKey()).values();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
