package io.satstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void iouPerClassAndMean() {
        byte[] truth = b(0, 0, 1, 1, 2, 255);
        byte[] pred = b(0, 1, 1, 1, 0, 2);
        Evaluation e = new Evaluation(4);
        e.add(pred, truth);

        // class 0: tp 1, truth 2, pred 2 -> 1/3; class 1: tp 2, truth 2, pred 3 -> 2/3; class 2: tp 0 -> 0;
        // class 3 absent from both -> not counted; the ignored pixel (pred 2) is not counted either.
        assertThat(e.iouPerClass()).containsExactly(new double[] {1 / 3.0, 2 / 3.0, 0, Double.NaN}, within(1e-12));
        assertThat(e.miou()).isCloseTo((1 / 3.0 + 2 / 3.0 + 0) / 3, within(1e-12));
        assertThat(e.pixelAccuracy()).isCloseTo(3 / 5.0, within(1e-12));
        assertThat(e.pixels()).isEqualTo(5);
        assertThat(Evaluation.miou(pred, truth, 4)).isEqualTo(e.miou());
    }

    @Test
    void confusionMatrixCountsTruthRowsAgainstPredictedColumnsWithoutIgnoredPixels() {
        Evaluation e = new Evaluation(3);
        e.add(b(0, 1, 1, 1, 0, 2), b(0, 0, 1, 1, 2, 255));
        e.add(b(2), b(2));

        long[][] m = e.confusionMatrix();
        assertThat(m).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}});
        m[0][0] = 99;
        assertThat(e.confusionMatrix()[0][0]).as("a copy: changing it changes nothing").isEqualTo(1);
    }

    @Test
    void perfectPredictionScoresOneAndNothingCountedIsNaN() {
        assertThat(Evaluation.miou(b(2, 2, 0), b(2, 2, 0), 3)).isEqualTo(1.0);
        Evaluation empty = new Evaluation(3);
        empty.add(b(1, 2), b(255, 255));
        assertThat(empty.miou()).isNaN();
        assertThat(empty.pixelAccuracy()).isNaN();
    }

    @Test
    void rejectsOutOfRangeClassesAndMismatchedLengths() {
        assertThatThrownBy(() -> Evaluation.miou(b(0, 5), b(0, 1), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pixel 1: class out of range 0..2 (truth 1, predicted 5)");
        assertThatThrownBy(() -> Evaluation.miou(b(0), b(0, 1), 3)).hasMessageContaining("1 pixels but truth has 2");
    }
}
