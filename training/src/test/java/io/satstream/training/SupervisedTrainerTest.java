package io.satstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.training.engine.EngineCheckReport;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.engine.TrainingEngineException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupervisedTrainerTest {

    private static final SegmentationNet.Config CFG = new SegmentationNet.Config(3, SyntheticBlobs.NUM_CLASSES, 8);

    @Test
    void shortTrainingBeatsChanceClearlyOnHeldOutSamples() {
        try (TrainedModel model = new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), new SyntheticBlobs(80),
                new TrainingOptions(60, 4, 64, 3e-3f, 1L))) {
            Map<String, Double> m = model.metrics();
            System.out.println("short training metrics: " + m);
            // Chance: a constant or random prediction over 3 classes scores mIoU <= ~0.33 here.
            assertThat(m.get("miou")).isGreaterThan(0.75);
            assertThat(m.get("pixel_accuracy")).isGreaterThan(0.85);
            assertThat(m.get("train_loss")).isLessThan(m.get("train_loss_first") / 2);
            assertThat(m.get("eval_pixels")).isEqualTo(SupervisedTrainer.EVAL_SAMPLES * (64.0 * 64 - 0));
            assertThat(model.onnx()).isNotEmpty();
            assertThat(model.config()).isEqualTo(CFG);
            assertThat(model.spec()).isEqualTo(InputSpec.rgbUint8(64));
        }
    }

    @Test
    void refusesAtOnceWithOneLineWhenTheEngineSelfCheckFailed() {
        // The real check on this engine, fed one wrong transposed-convolution gradient.
        EngineCheckReport failed = TrainingEngine.shared()
                .recheck(real -> real.corrupting("convtranspose2x2", "dweight", 0.2f));
        AtomicInteger steps = new AtomicInteger();
        LabeledSampleSource counted = rnd -> {
            steps.incrementAndGet();
            return new SyntheticBlobs(64).next(rnd);
        };
        SupervisedTrainer trainer = new SupervisedTrainer(TrainingEngine.refusing(failed));

        assertThatThrownBy(() -> trainer.train(CFG, InputSpec.rgbUint8(64), counted,
                new TrainingOptions(60, 4, 64, 3e-3f, 1L), (step, total, loss) -> steps.incrementAndGet()))
                .isInstanceOf(TrainingEngineException.class)
                .hasMessageStartingWith("training refused: the PyTorch ")
                .hasMessageContaining(failed.cpu().describe())
                .hasMessageContaining("convtranspose2x2 16->8 (2x16x16x16) dweight: off by 2.0e-01 of its range")
                .hasMessageContaining("remedy: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(steps).as("no sample drawn, no step taken").hasValue(0);
    }

    @Test
    void batchesWithoutAnyLabelledPixelAreSkippedNotFatal() {
        // Every other sample is entirely 'ignore' (e.g. a nodata crop); with batch size 1 those steps are skipped.
        SyntheticBlobs blobs = new SyntheticBlobs(64);
        int[] draws = {0};
        LabeledSampleSource halfIgnored = rnd -> {
            LabeledSample s = blobs.next(rnd);
            return draws[0]++ % 2 == 0 ? s : allIgnored(s);
        };
        try (TrainedModel model = new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), halfIgnored,
                new TrainingOptions(6, 1, 32, 1e-3f, 3L))) {
            assertThat(model.metrics().get("skipped_steps")).isEqualTo(3.0);
            assertThat(model.metrics().get("train_loss")).isPositive().isFinite();
        }

        LabeledSampleSource onlyIgnored = rnd -> allIgnored(blobs.next(rnd));
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), onlyIgnored,
                new TrainingOptions(2, 2, 32, 1e-3f, 3L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no labelled pixel in any of the 2 training batches");
    }

    private static LabeledSample allIgnored(LabeledSample s) {
        return new LabeledSample(s.planarUint8(), filled(s.labels().length, Evaluation.IGNORE), s.width(), s.height());
    }

    @Test
    void rejectsABandCountThatDoesNotMatchTheSpec() {
        InputSpec fourBands = new InputSpec(java.util.List.of("r", "g", "b", "nir"), 64, 255f,
                new float[4], new float[] {1, 1, 1, 1});
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, fourBands, new SyntheticBlobs(64),
                new TrainingOptions(1, 1, 32, 1e-3f, 0L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 input channels")
                .hasMessageContaining("4 bands");
    }

    @Test
    void rejectsACropThatIsNotAMultipleOfTheNetworkStride() {
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), new SyntheticBlobs(64),
                new TrainingOptions(1, 1, 30, 1e-3f, 0L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiples of 4");
    }

    @Test
    void rejectsSamplesSmallerThanTheCropAndLabelsOutOfRange() {
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), new SyntheticBlobs(48),
                new TrainingOptions(1, 1, 64, 1e-3f, 0L)))
                .hasMessageContaining("smaller than the 64x64 crop");

        LabeledSampleSource badLabels = rnd -> new LabeledSample(new byte[3 * 32 * 32], filled(32 * 32, 7), 32, 32);
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(32), badLabels,
                new TrainingOptions(1, 1, 32, 1e-3f, 0L)))
                .hasMessageContaining("label 7")
                .hasMessageContaining("3 classes");
    }

    @Test
    void aRunCheckpointsEveryNStepsShortOfTheLastAndIsMeasuredByItsHeldOut() {
        java.util.List<Integer> saved = new java.util.ArrayList<>();
        Evaluation mine = new Evaluation(SyntheticBlobs.NUM_CLASSES);
        mine.add(new byte[] {0, 1}, new byte[] {0, 1});
        TrainingRun run = TrainingRun.whole()
                .checkpointing(2, (done, onnx) -> {
                    assertThat(onnx).isNotEmpty();
                    saved.add(done);
                })
                .measuredBy(onnx -> mine);
        try (TrainedModel model = new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), new SyntheticBlobs(64),
                new TrainingOptions(5, 1, 32, 1e-3f, 3L), (step, steps, loss) -> { }, null, run)) {
            assertThat(saved).containsExactly(2, 4);
            assertThat(model.evaluation()).isSameAs(mine);
            assertThat(model.metrics()).containsEntry("miou", 1.0).containsEntry("eval_pixels", 2.0);
        }
    }

    @Test
    void aResumedRunNeedsItsCheckpointAsParentAndStepsLeft() {
        TrainingOptions five = new TrainingOptions(5, 1, 32, 1e-3f, 3L);
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), new SyntheticBlobs(64),
                five, (step, steps, loss) -> { }, null, TrainingRun.whole().resumedAfter(2)))
                .hasMessageContaining("a run resumed after 2 steps needs the weights of those steps");
        assertThatThrownBy(() -> new SupervisedTrainer().train(CFG, InputSpec.rgbUint8(64), new SyntheticBlobs(64),
                five, (step, steps, loss) -> { }, new byte[1], TrainingRun.whole().resumedAfter(5)))
                .hasMessageContaining("the run has done 5 of its 5 steps already");
        assertThatThrownBy(() -> TrainingRun.whole().checkpointing(0, (d, o) -> { }))
                .hasMessageContaining("checkpoint interval must be >= 1 step");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new TrainingOptions(0, 8, 128, 1e-3f, 0)).hasMessageContaining("steps");
        assertThatThrownBy(() -> new TrainingOptions(1, 0, 128, 1e-3f, 0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new TrainingOptions(1, 8, 128, Float.NaN, 0)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> new LabeledSample(new byte[10], new byte[4], 2, 2))
                .hasMessageContaining("whole number");
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
