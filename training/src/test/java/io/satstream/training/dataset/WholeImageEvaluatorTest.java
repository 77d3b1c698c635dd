package io.satstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.inference.MaskDecoder;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;
import io.satstream.inference.SampleType;
import io.satstream.training.LabeledSample;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WholeImageEvaluatorTest {

    private static final int CLASSES = 3;
    private static final InputSpec SPEC = InputSpec.rgbUint8(64);
    private static byte[] onnx;

    @BeforeAll
    static void model() {
        // random weights: the predictions are arbitrary but fixed, which is all these tests need
        onnx = OnnxExporter.exportInitialised(new SegmentationNet(new SegmentationNet.Config(3, CLASSES, 4)));
    }

    private static LabeledSample sample(int w, int h, long seed) {
        Random rnd = new Random(seed);
        byte[] px = new byte[3 * w * h];
        rnd.nextBytes(px);
        byte[] labels = new byte[w * h];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 7 == 0 ? Evaluation.IGNORE : rnd.nextInt(CLASSES));
        }
        return new LabeledSample(px, labels, w, h);
    }

    @Test
    void everyLabelledPixelOfImagesOfAnySizeCountsOnceAndThePaddingNever() {
        List<LabeledSample> images = List.of(sample(37, 29, 1), sample(40, 20, 2), sample(5, 6, 3));
        long labelled = 0;
        for (LabeledSample s : images) {
            for (byte b : s.labels()) {
                labelled += (b & 0xFF) == Evaluation.IGNORE ? 0 : 1;
            }
        }
        int[] seen = new int[1];

        Evaluation eval = WholeImageEvaluator.evaluate(onnx, SPEC, CLASSES, images, (done, total) -> seen[0] = done);

        assertThat(eval.pixels()).isEqualTo(labelled);
        assertThat(seen[0]).isEqualTo(3);
    }

    @Test
    void anImageOfTheSizeMultipleIsExactlyOneInferenceOfTheWholeImage() {
        LabeledSample s = sample(40, 20, 4);
        Evaluation direct = new Evaluation(CLASSES);
        try (OnnxRuntimeInference rt = new OnnxRuntimeInference(onnx, RuntimeOptions.defaults())) {
            float[] x = new float[3 * 40 * 20];
            SPEC.normalizeInto(s.planarUint8(), SampleType.UINT8, 40 * 20, x, 0);
            direct.add(MaskDecoder.decode(rt.infer(x, 1, 3, 20, 40), 0, CLASSES, 20, 40).mask(), s.labels());
        }

        Evaluation eval = WholeImageEvaluator.evaluate(onnx, SPEC, CLASSES, List.of(s), (d, t) -> { });

        assertThat(eval.confusionMatrix()).isDeepEqualTo(direct.confusionMatrix());
    }

    @Test
    void paddingRepeatsTheLastColumnAndRowAndLabelsItIgnore() {
        // one band, 3x2: rows (1 2 3) (4 5 6), padded to 4x4
        byte[] padded = WholeImageEvaluator.padded(new byte[] {1, 2, 3, 4, 5, 6}, 1, 3, 2, 4, 4);
        assertThat(padded).containsExactly(1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 4, 5, 6, 6);
        byte[] truth = WholeImageEvaluator.paddedTruth(new byte[] {0, 1, 2, 0, 1, 2}, 3, 2, 4, 4);
        byte x = (byte) Evaluation.IGNORE;
        assertThat(truth).containsExactly(0, 1, 2, x, 0, 1, 2, x, x, x, x, x, x, x, x, x);
        assertThat(WholeImageEvaluator.roundUp(37, 4)).isEqualTo(40);
        assertThat(WholeImageEvaluator.roundUp(40, 4)).isEqualTo(40);
    }
}
