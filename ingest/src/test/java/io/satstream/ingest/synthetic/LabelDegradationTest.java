package io.satstream.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Degraded masks: coarsened to the majority class of each cell, shifted by the drawn offset, a share of cells
 * confused, ignore kept; the synthetic feed's noisy masks mostly agree with the truth but not everywhere.
 */
class LabelDegradationTest {

    @Test
    void coarseningTakesEachCellsMajorityClass() {
        // 4 x 4, cells of 2: top-left cell three 1s and one 0 -> 1; top-right all 2 -> 2; bottom row cells 0 and 3/1.
        byte[] labels = {
            1, 1, 2, 2,
            1, 0, 2, 2,
            0, 0, 3, 1,
            0, 0, 1, 3};
        byte[] out = new LabelDegradation(2, 0, 0, 4).apply(labels, 4, 4, new Random(1));
        assertThat(out).containsExactly(
                1, 1, 2, 2,
                1, 1, 2, 2,
                0, 0, 1, 1,
                0, 0, 1, 1);
    }

    @Test
    void aShiftMovesTheMaskByTheDrawnOffsetAndIgnoreStaysIgnore() {
        int w = 16;
        byte[] labels = new byte[w * w];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = (byte) (x < 8 ? 0 : 1);
            }
        }
        labels[0] = (byte) LabelDegradation.IGNORE;
        Random drawn = new Random(5);
        int dx = drawn.nextInt(2 * 3 + 1) - 3;
        byte[] out = new LabelDegradation(1, 3, 0, 2).apply(labels, w, w, new Random(5));
        for (int y = 1; y < w; y++) {
            for (int x = 0; x < w; x++) {
                int sx = Math.max(0, Math.min(w - 1, x - dx));
                assertThat(out[y * w + x]).as("(%d,%d) dx %d", x, y, dx).isEqualTo((byte) (sx < 8 ? 0 : 1));
            }
        }
        assertThat(new LabelDegradation(4, 0, 1.0, 2).apply(new byte[] {(byte) 255, (byte) 255, (byte) 255,
            (byte) 255}, 2, 2, new Random(1))).containsOnly((byte) 255);
    }

    @Test
    void confusionChangesAboutItsShareOfCellsToAnotherClass() {
        int w = 256;
        byte[] zeros = new byte[w * w];
        byte[] out = new LabelDegradation(8, 0, 0.25, 3).apply(zeros, w, w, new Random(2));
        int changedCells = 0;
        for (int by = 0; by < w; by += 8) {
            for (int bx = 0; bx < w; bx += 8) {
                byte v = out[by * w + bx];
                changedCells += v != 0 ? 1 : 0;
                assertThat(v).isBetween((byte) 0, (byte) 2);
            }
        }
        // 1024 cells, p = 0.25: 256 expected, sd about 14.
        assertThat(changedCells).isBetween(200, 312);
    }

    @Test
    void theFeedsNoisyMasksMostlyAgreeWithTheTruthButNotEverywhere() {
        try (SyntheticFeed truth = new SyntheticFeed("t", 9, 128, 4);
                SyntheticFeed noisy = new SyntheticFeed("t", 9, 128, 4)
                        .withLabelDegradation(LabelDegradation.typical(SyntheticSceneGenerator.CLASS_NAMES.size()))) {
            for (int n = 0; n < 4; n++) {
                byte[] t = bytes(truth.tile(n).getLabelMask());
                byte[] d = bytes(noisy.tile(n).getLabelMask());
                byte[] again = bytes(noisy.tile(n).getLabelMask());
                int same = 0;
                for (int i = 0; i < t.length; i++) {
                    same += t[i] == d[i] ? 1 : 0;
                }
                double agreement = (double) same / t.length;
                assertThat(agreement).as("tile %d", n).isBetween(0.4, 0.99);
                assertThat(again).as("deterministic per tile").isEqualTo(d);
                assertThat(noisy.tile(n).getAttributes()).containsEntry("labels", "degraded");
            }
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new LabelDegradation(0, 0, 0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LabelDegradation(2, 0, 1.5, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
