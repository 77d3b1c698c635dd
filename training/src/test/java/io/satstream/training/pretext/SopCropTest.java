package io.satstream.training.pretext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Subimage Overlap Prediction target geometry: exactly the crop's rectangle, crops drawn inside and in range. */
class SopCropTest {

    @Test
    void theTargetIsOneExactlyInsideTheRectangle() {
        SopCrop crop = new SopCrop(3, 5, 4, 7, 16);
        long[] mask = new long[2 + 16 * 16];
        crop.maskInto(mask, 2);

        int ones = 0;
        for (int row = 0; row < 16; row++) {
            for (int col = 0; col < 16; col++) {
                boolean inside = row >= 3 && row <= 6 && col >= 5 && col <= 11;
                assertThat(mask[2 + row * 16 + col]).as("(%d,%d)", row, col).isEqualTo(inside ? 1L : 0L);
                ones += inside ? 1 : 0;
            }
        }
        assertThat(ones).isEqualTo(4 * 7);
        assertThat(mask[0]).isZero();
        assertThat(mask[1]).isZero();
        // The rectangle's last row and column are in, the next ones are out.
        assertThat(crop.contains(6, 11)).isTrue();
        assertThat(crop.contains(7, 11)).isFalse();
        assertThat(crop.contains(6, 12)).isFalse();
        assertThat(crop.contains(3, 4)).isFalse();
    }

    @Test
    void drawnCropsLieInsideWithSidesInRangeAndReachEveryCorner() {
        Random rnd = new Random(1);
        Set<Integer> heights = new HashSet<>();
        Set<Integer> widths = new HashSet<>();
        boolean top = false;
        boolean bottom = false;
        boolean left = false;
        boolean right = false;
        boolean nonSquare = false;
        for (int i = 0; i < 20_000; i++) {
            SopCrop c = SopCrop.draw(32, 0.25, 0.75, rnd);
            assertThat(c.height()).isBetween(8, 24);
            assertThat(c.width()).isBetween(8, 24);
            assertThat(c.y() + c.height()).isLessThanOrEqualTo(32);
            assertThat(c.x() + c.width()).isLessThanOrEqualTo(32);
            heights.add(c.height());
            widths.add(c.width());
            top |= c.y() == 0;
            bottom |= c.y() + c.height() == 32;
            left |= c.x() == 0;
            right |= c.x() + c.width() == 32;
            nonSquare |= c.height() != c.width();
        }
        assertThat(heights).hasSize(17).contains(8, 24);
        assertThat(widths).hasSize(17).contains(8, 24);
        assertThat(top && bottom && left && right).isTrue();
        assertThat(nonSquare).isTrue();
    }

    @Test
    void aResizedCropReadsTheParentAtNearestNeighbourPositions() {
        SopCrop crop = new SopCrop(4, 8, 8, 16, 32);
        // 8 rows stretched to 32: each source row 4 times; 16 columns to 32: each twice.
        assertThat(crop.sourceRow(0)).isEqualTo(4);
        assertThat(crop.sourceRow(3)).isEqualTo(4);
        assertThat(crop.sourceRow(4)).isEqualTo(5);
        assertThat(crop.sourceRow(31)).isEqualTo(11);
        assertThat(crop.sourceCol(0)).isEqualTo(8);
        assertThat(crop.sourceCol(1)).isEqualTo(8);
        assertThat(crop.sourceCol(31)).isEqualTo(23);
    }

    @Test
    void aCropOutsideTheTileOrAnEmptyRangeIsRefused() {
        assertThatThrownBy(() -> new SopCrop(10, 0, 8, 8, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crop rows 10..18, columns 0..8 does not lie inside a 16x16 tile");
        assertThatThrownBy(() -> new SopCrop(0, 0, 0, 8, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SopCrop.draw(16, 0.8, 0.5, new Random())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crop fractions must satisfy 0 < min <= max <= 1, got 0.8..0.5");
    }
}
