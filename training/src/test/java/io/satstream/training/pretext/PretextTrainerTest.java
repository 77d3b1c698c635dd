package io.satstream.training.pretext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;
import io.satstream.training.SegmentationNet;
import io.satstream.training.engine.TrainingEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The objectives are learnable with the shared stepping: SOP learns where a crop lies in tiles it has never seen
 * (intersection over union of its predicted mask well above what guessing the average crop gives), noisy labels
 * learn the labelled classes, and what SOP learned exports as ONNX that ONNX Runtime runs.
 */
class PretextTrainerTest {

    private static final int S = 32;

    @Test
    void sopLearnsWhereTheCropLiesInUnseenTiles() {
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(SopOptions.defaults()
                .withAugmentation(0.05, 0.1, 0, 0));
        SegmentationNet.Config cfg = sop.network(3, 4, 8);
        Random data = new Random(1);
        try (PretextTrainer trainer = new PretextTrainer(TrainingEngine.shared(), sop, cfg, 3e-3f, 7, null)) {
            float first = trainer.step(sop.batch(tiles(8, data), data).orElseThrow());
            float last = 0;
            for (int i = 1; i < 150; i++) {
                last = trainer.step(sop.batch(tiles(8, data), data).orElseThrow());
            }
            double iou = heldOutIou(sop, trainer.exportOnnx(), new Random(99), false);
            double guess = heldOutIou(sop, trainer.exportOnnx(), new Random(99), true);
            System.out.printf("sop: loss %.3f -> %.3f, held-out IoU %.3f (marking every pixel inside: %.3f)%n", first,
                    last, iou, guess);
            assertThat(trainer.steps()).isEqualTo(150);
            assertThat(last).isLessThan(first * 0.7f);
            assertThat(iou).isGreaterThan(1.5 * guess);
        }
    }

    @Test
    void noisyLabelsLearnTheLabelledClasses() {
        NoisyLabels noisy = new NoisyLabels(3);
        SegmentationNet.Config cfg = noisy.network(3, 3, 8);
        Random data = new Random(2);
        try (PretextTrainer trainer = new PretextTrainer(TrainingEngine.shared(), noisy, cfg, 3e-3f, 7, null)) {
            float first = trainer.step(noisy.batch(tiles(8, data), data).orElseThrow());
            float last = 0;
            for (int i = 1; i < 40; i++) {
                last = trainer.step(noisy.batch(tiles(8, data), data).orElseThrow());
            }
            System.out.printf("noisy: loss %.3f -> %.3f%n", first, last);
            assertThat(last).isLessThan(first * 0.5f);
        }
    }

    @Test
    void aBatchForAnotherNetworkIsRefused() {
        NoisyLabels noisy = new NoisyLabels(3);
        try (PretextTrainer trainer = new PretextTrainer(TrainingEngine.shared(), noisy, noisy.network(3, 3, 4), 1e-3f,
                1, null)) {
            SubimageOverlapPrediction sop = new SubimageOverlapPrediction(SopOptions.defaults());
            PretextBatch sixChannels = sop.batch(tiles(2, new Random(1)), new Random(1)).orElseThrow();
            assertThatThrownBy(() -> trainer.step(sixChannels)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the batch has 6 channels, the noisy network takes 3");
        }
    }

    /**
     * Mean IoU of the predicted "inside" mask against the crop's rectangle, over fresh tiles, through ONNX Runtime;
     * with {@code everywhere} the prediction is replaced by "every pixel inside", the score of knowing nothing.
     */
    private static double heldOutIou(SubimageOverlapPrediction sop, byte[] onnx, Random rnd, boolean everywhere) {
        double sum = 0;
        int count = 0;
        try (OnnxRuntimeInference ort = new OnnxRuntimeInference(onnx, new RuntimeOptions(1, 1))) {
            for (int k = 0; k < 4; k++) {
                PretextBatch b = sop.batch(tiles(8, rnd), rnd).orElseThrow();
                float[] logits = ort.infer(b.input(), b.n(), b.channels(), S, S);
                for (int i = 0; i < b.n(); i++) {
                    int inter = 0;
                    int union = 0;
                    for (int p = 0; p < S * S; p++) {
                        boolean predicted = everywhere || logits[(i * 2 + 1) * S * S + p] > logits[i * 2 * S * S + p];
                        boolean truth = b.target()[i * S * S + p] == 1;
                        inter += predicted && truth ? 1 : 0;
                        union += predicted || truth ? 1 : 0;
                    }
                    if (union > 0) {
                        sum += (double) inter / union;
                        count++;
                    }
                }
            }
        }
        return sum / count;
    }

    /**
     * Textured tiles: 3 to 6 rectangles of random colours (class = the brightest band) over a dark ground, plus
     * noise, normalised to about zero mean; labels are the class of each pixel.
     */
    static List<TileSample> tiles(int n, Random rnd) {
        List<TileSample> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            float[] px = new float[3 * S * S];
            byte[] labels = new byte[S * S];
            float[] ground = {-1f, -1f, -1f};
            for (int p = 0; p < S * S; p++) {
                for (int b = 0; b < 3; b++) {
                    px[b * S * S + p] = ground[b];
                }
            }
            int rects = 3 + rnd.nextInt(4);
            for (int r = 0; r < rects; r++) {
                int h = 4 + rnd.nextInt(S / 2);
                int w = 4 + rnd.nextInt(S / 2);
                int y0 = rnd.nextInt(S - h);
                int x0 = rnd.nextInt(S - w);
                int cls = 1 + rnd.nextInt(2);
                float[] colour = {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian()};
                colour[cls] = 2f;
                for (int y = y0; y < y0 + h; y++) {
                    for (int x = x0; x < x0 + w; x++) {
                        labels[y * S + x] = (byte) cls;
                        for (int b = 0; b < 3; b++) {
                            px[b * S * S + y * S + x] = colour[b];
                        }
                    }
                }
            }
            for (int v = 0; v < px.length; v++) {
                px[v] += (float) (rnd.nextGaussian() * 0.3);
            }
            out.add(new TileSample(px, 3, S, labels));
        }
        return out;
    }
}
