package io.satstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.satstream.inference.InputSpec;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.internal.OnnxWeights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A warm start really starts from the parent's weights: the warm-started network computes what the parent's ONNX
 * computes before any step, a crop-conditioned (SOP-shaped) parent hands over everything but its head and its crop
 * channels, and fine-tuning from a trained parent begins at the parent's loss, not at a random network's.
 */
class WarmStartTest {

    @Test
    void beforeAnyStepTheWarmStartedNetworkComputesWhatTheParentComputes() {
        TrainedModel parent = TestModels.smallTrained();
        SegmentationNet net = new SegmentationNet(parent.config());
        float[] x = TestModels.randomInput(7, 2, 3, 64, 64);
        float[] expected;
        try (OnnxRuntimeInference ort = new OnnxRuntimeInference(parent.onnx(), new RuntimeOptions(1, 1))) {
            expected = ort.infer(x, 2, 3, 64, 64);
        }

        try (NDManager manager = TrainingEngine.shared().newManager()) {
            Block block = initialised(net, manager);
            float[] fresh = run(net, block, x);
            WarmStart.Report report = WarmStart.apply(net, block, parent.onnx());
            float[] warm = run(net, block, x);

            assertThat(report.fresh()).isEmpty();
            assertThat(report.adapted()).isEmpty();
            assertThat(report.copied()).hasSize(OnnxWeights.read(parent.onnx()).all().size());
            assertThat(maxAbsDiff(warm, expected)).isLessThanOrEqualTo(1e-4);
            assertThat(maxAbsDiff(fresh, expected)).as("a fresh network computes something else").isGreaterThan(0.1);
            // Exporting the warm-started block gives back the parent's weights, initializer by initializer.
            OnnxWeights again = OnnxWeights.read(OnnxExporter.export(net, block));
            OnnxWeights.read(parent.onnx()).all().forEach((name, t) ->
                    assertThat(again.get(name).values()).as(name).containsExactly(t.values()));
        }
    }

    @Test
    void aCropConditionedParentHandsOverAllButItsHeadAndItsCropChannels() {
        // A Subimage Overlap Prediction network: 3 bands + 3 crop channels in, 2 classes (outside/inside) out.
        SegmentationNet sop = new SegmentationNet(new SegmentationNet.Config(6, 2, 8));
        byte[] parent = OnnxExporter.exportInitialised(sop);
        SegmentationNet child = new SegmentationNet(new SegmentationNet.Config(3, 5, 8));

        try (NDManager manager = TrainingEngine.shared().newManager()) {
            Block block = initialised(child, manager);
            WarmStart.Report report = WarmStart.apply(child, block, parent);

            assertThat(report.fresh()).containsExactly("head.weight", "head.bias");
            assertThat(report.adapted()).containsExactly("l0.enc1.conv.weight");
            OnnxWeights from = OnnxWeights.read(parent);
            OnnxWeights to = OnnxWeights.read(OnnxExporter.export(child, block));
            assertThat(report.copied()).hasSize(from.all().size() - 3).allSatisfy(name ->
                    assertThat(to.get(name).values()).as(name).containsExactly(from.get(name).values()));
            // (out 8, in 6, 3, 3) -> (out 8, in 3, 3, 3): each output's kernels over the first 3 inputs.
            float[] p = from.get("l0.enc1.conv.weight").values();
            float[] c = to.get("l0.enc1.conv.weight").values();
            List<Float> expected = new ArrayList<>();
            for (int o = 0; o < 8; o++) {
                for (int i = 0; i < 3 * 9; i++) {
                    expected.add(p[o * 6 * 9 + i]);
                }
            }
            assertThat(c).containsExactly(toArray(expected));
        }
    }

    @Test
    void aParentOfAnotherWidthIsRefusedNotHalfUsed() {
        SegmentationNet net = new SegmentationNet(new SegmentationNet.Config(3, 3, 8));
        byte[] otherWidth = OnnxExporter.exportInitialised(new SegmentationNet(new SegmentationNet.Config(3, 3, 4)));
        try (NDManager manager = TrainingEngine.shared().newManager()) {
            Block block = initialised(net, manager);
            assertThatThrownBy(() -> WarmStart.apply(net, block, otherWidth))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the parent model does not fit SegmentationNet[unet, levels=2,")
                    .hasMessageContaining("parameters outside the head cannot come from it, e.g. l0.enc1.conv.weight"
                            + " [4, 3, 3, 3] vs [8, 3, 3, 3]");
            assertThatThrownBy(() -> WarmStart.apply(net, block, new byte[] {1, 2, 3}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not an ONNX model");
        }
    }

    @Test
    void fineTuningFromATrainedParentBeginsAtTheParentsLossNotAtARandomNetworks() {
        SegmentationNet.Config cfg = new SegmentationNet.Config(3, SyntheticBlobs.NUM_CLASSES, 8);
        TrainingOptions opts = new TrainingOptions(40, 4, 64, 3e-3f, 21L);
        SupervisedTrainer trainer = new SupervisedTrainer();
        try (TrainedModel scratch = trainer.train(cfg, InputSpec.rgbUint8(64), new SyntheticBlobs(72), opts);
                TrainedModel warm = trainer.train(cfg, InputSpec.rgbUint8(64), new SyntheticBlobs(72),
                        new TrainingOptions(5, 4, 64, 3e-3f, 22L), (step, steps, loss) -> { }, scratch.onnx())) {
            double scratchFirst = scratch.metrics().get("train_loss_first");
            double scratchLast = scratch.metrics().get("train_loss");
            double warmFirst = warm.metrics().get("train_loss_first");
            System.out.printf("scratch: first %.3f, last %.3f; warm start: first %.3f%n", scratchFirst, scratchLast,
                    warmFirst);
            assertThat(scratchLast).as("the parent learned something").isLessThan(scratchFirst * 0.8);
            // Closer to where the parent ended than to where a random network begins.
            assertThat(warmFirst).isLessThan((scratchFirst + scratchLast) / 2);
            assertThat(warm.metrics()).containsEntry("warm_start_parameters",
                    (double) OnnxWeights.read(scratch.onnx()).all().size());
        }
    }

    private static Block initialised(SegmentationNet net, NDManager manager) {
        Block block = net.newBlock();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, net.config().inChannels(), 64, 64));
        return block;
    }

    private static float[] run(SegmentationNet net, Block block, float[] x) {
        try (NDManager step = TrainingEngine.shared().newManager()) {
            return block.forward(new ai.djl.training.ParameterStore(step, false),
                    new ai.djl.ndarray.NDList(step.create(x, new Shape(2, net.config().inChannels(), 64, 64))), false)
                    .singletonOrThrow().toFloatArray();
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
