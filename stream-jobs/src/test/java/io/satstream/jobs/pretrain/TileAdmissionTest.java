package io.satstream.jobs.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.jobs.TestTiles;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each admission rule refuses what it names and lets ordinary imagery through. */
class TileAdmissionTest {

    private static final int W = 64;
    private static final int H = 64;

    private static byte[] textured(long seed) {
        return TestTiles.rgb("t", W, H, seed).getPixels().array();
    }

    @Test
    void ordinaryTilesAreAdmitted() {
        TileAdmission admission = new TileAdmission(TileAdmission.Thresholds.defaults());
        for (long seed = 0; seed < 20; seed++) {
            assertThat(admission.refusal(textured(seed), W, H, 3, null)).as("seed %d", seed).isNull();
        }
    }

    @Test
    void tooMuchNoDataIsRefused() {
        TileAdmission admission = new TileAdmission(TileAdmission.Thresholds.defaults());
        byte[] valid = new byte[W * H];
        Arrays.fill(valid, (byte) 1);
        Arrays.fill(valid, 0, W * H / 4, (byte) 0); // 25 % no data, over the 20 % default
        assertThat(admission.refusal(textured(1), W, H, 3, valid)).isEqualTo(TileAdmission.NODATA);
        Arrays.fill(valid, (byte) 1);
        Arrays.fill(valid, 0, W * H / 10, (byte) 0); // 10 %: fine
        assertThat(admission.refusal(textured(1), W, H, 3, valid)).isNull();
    }

    @Test
    void brightColourlessCloudIsRefused() {
        byte[] px = textured(2);
        // The top 60 % of the tile is white-grey in every band.
        for (int b = 0; b < 3; b++) {
            for (int p = 0; p < W * H * 6 / 10; p++) {
                px[b * W * H + p] = (byte) (235 + b * 3);
            }
        }
        assertThat(new TileAdmission(TileAdmission.Thresholds.defaults()).refusal(px, W, H, 3, null))
                .isEqualTo(TileAdmission.CLOUD);
    }

    @Test
    void aFlatTileIsRefusedAndTheFlatnessIsMeasuredOnValidPixelsOnly() {
        byte[] px = new byte[3 * W * H];
        Random rnd = new Random(1);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (100 + rnd.nextInt(3)); // std about 0.8
        }
        assertThat(new TileAdmission(TileAdmission.Thresholds.defaults()).refusal(px, W, H, 3, null))
                .isEqualTo(TileAdmission.FLAT);
    }

    @Test
    void aNearDuplicateOfARecentTileIsRefusedButNotADifferentOne() {
        TileAdmission admission = new TileAdmission(TileAdmission.Thresholds.defaults());
        byte[] first = textured(7);
        assertThat(admission.refusal(first, W, H, 3, null)).isNull();
        // The same scene with a little sensor noise: the same hash, give or take a bit.
        byte[] noisy = first.clone();
        Random rnd = new Random(3);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = (byte) Math.max(0, Math.min(255, (noisy[i] & 0xFF) + rnd.nextInt(5) - 2));
        }
        assertThat(admission.refusal(noisy, W, H, 3, null)).isEqualTo(TileAdmission.DUPLICATE);
        assertThat(admission.refusal(textured(8), W, H, 3, null)).isNull();
        // With the check off, the very same tile passes again.
        TileAdmission off = new TileAdmission(new TileAdmission.Thresholds(0.2, 0.5, 2.0, -1, 16));
        assertThat(off.refusal(first, W, H, 3, null)).isNull();
        assertThat(off.refusal(first, W, H, 3, null)).isNull();
    }

    @Test
    void thresholdsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new TileAdmission.Thresholds(1.5, 0.5, 2, 2, 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fractions must be in [0, 1]");
        assertThatThrownBy(() -> new TileAdmission.Thresholds(0.2, 0.5, 2, 70, 16))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
