package io.satstream.training.pretext;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How SOP turns tiles into a batch: the tile's bands, then its crop resized to the tile, and a target that is the
 * crop's rectangle; rotated crops, crops from another tile (empty target) and the colour jitter's bounds.
 */
class SubimageOverlapPredictionTest {

    private static final int S = 16;
    private static final int C = 2;

    /** Every value names its tile, band, row and column: tile * 100000 + band * 10000 + row * 100 + col. */
    private static TileSample coded(int tile) {
        float[] px = new float[C * S * S];
        for (int b = 0; b < C; b++) {
            for (int r = 0; r < S; r++) {
                for (int c = 0; c < S; c++) {
                    px[(b * S + r) * S + c] = tile * 100_000 + b * 10_000 + r * 100 + c;
                }
            }
        }
        return new TileSample(px, C, S, null);
    }

    private static SopOptions plain() {
        return SopOptions.defaults().withAugmentation(0, 0, 0, 0);
    }

    @Test
    void theInputIsTheTileThenItsCropResizedAndTheTargetIsWhereTheCropLies() {
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(plain());
        for (int seed = 0; seed < 50; seed++) {
            PretextBatch batch = sop.batch(List.of(coded(1), coded(2)), new Random(seed)).orElseThrow();
            assertThat(batch.channels()).isEqualTo(2 * C);
            for (int i = 0; i < 2; i++) {
                SopCrop crop = rectangleOf(batch.target(), i * S * S);
                for (int b = 0; b < C; b++) {
                    for (int r = 0; r < S; r++) {
                        for (int c = 0; c < S; c++) {
                            float tile = batch.input()[((i * 2 * C + b) * S + r) * S + c];
                            float cropped = batch.input()[((i * 2 * C + C + b) * S + r) * S + c];
                            assertThat(tile).isEqualTo((i + 1) * 100_000 + b * 10_000 + r * 100 + c);
                            assertThat(cropped).isEqualTo((i + 1) * 100_000 + b * 10_000 + crop.sourceRow(r) * 100
                                    + crop.sourceCol(c));
                        }
                    }
                }
            }
            assertThat(batch.weighted()).isEqualTo(2L * S * S);
        }
    }

    @Test
    void aRotatedCropIsTheSameCropTurnedByQuarterTurnsAndItsTargetDoesNotTurn() {
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(plain());
        SopCrop crop = new SopCrop(2, 3, 6, 9, S);
        TileSample tile = coded(0);
        float[] upright = new float[C * S * S];
        sop.writeCrop(tile, crop, 0, new Random(0), upright, 0);
        for (int turns = 1; turns <= 3; turns++) {
            float[] turned = new float[C * S * S];
            sop.writeCrop(tile, crop, turns, new Random(0), turned, 0);
            float[] expected = upright;
            for (int t = 0; t < turns; t++) {
                expected = rotateCounterClockwise(expected);
            }
            assertThat(turned).as("%d quarter turns", turns).containsExactly(expected);
        }
        SubimageOverlapPrediction rotating = new SubimageOverlapPrediction(plain().withAugmentation(0, 0, 1, 0));
        PretextBatch batch = rotating.batch(List.of(coded(1)), new Random(3)).orElseThrow();
        assertThat(rectangleOf(batch.target(), 0).height() * rectangleOf(batch.target(), 0).width())
                .isEqualTo((int) batch.target().length - count(batch.target(), 0));
    }

    @Test
    void aNegativeTakesItsCropFromAnotherTileAndHasAnEmptyTarget() {
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(plain().withAugmentation(0, 0, 0, 1));
        PretextBatch batch = sop.batch(List.of(coded(1), coded(2), coded(3)), new Random(5)).orElseThrow();
        assertThat(count(batch.target(), 1)).isZero();
        for (int i = 0; i < 3; i++) {
            int cropTile = (int) (batch.input()[(i * 2 * C + C) * S * S] / 100_000);
            assertThat(cropTile).as("tile %d's crop", i + 1).isNotEqualTo(i + 1).isBetween(1, 3);
        }
        // A single tile has no other tile to take a crop from: it stays a positive.
        PretextBatch alone = sop.batch(List.of(coded(1)), new Random(5)).orElseThrow();
        assertThat(count(alone.target(), 1)).isPositive();
    }

    @Test
    void colourJitterStaysWithinItsBoundsAndTouchesOnlyTheCrop() {
        SubimageOverlapPrediction sop = new SubimageOverlapPrediction(SopOptions.defaults()
                .withAugmentation(0.1, 0.2, 0, 0));
        float[] px = new float[C * S * S];
        Arrays.fill(px, 2f);
        TileSample flat = new TileSample(px, C, S, null);
        boolean changed = false;
        for (int seed = 0; seed < 20; seed++) {
            PretextBatch batch = sop.batch(List.of(flat), new Random(seed)).orElseThrow();
            for (int v = 0; v < C * S * S; v++) {
                assertThat(batch.input()[v]).isEqualTo(2f);
                float j = batch.input()[C * S * S + v];
                assertThat(j).isBetween(2f * 0.8f - 0.1f - 1e-6f, 2f * 1.2f + 0.1f + 1e-6f);
                changed |= j != 2f;
            }
        }
        assertThat(changed).isTrue();
    }

    private static SopCrop rectangleOf(long[] target, int offset) {
        int top = S;
        int bottom = -1;
        int left = S;
        int right = -1;
        for (int r = 0; r < S; r++) {
            for (int c = 0; c < S; c++) {
                if (target[offset + r * S + c] == 1) {
                    top = Math.min(top, r);
                    bottom = Math.max(bottom, r);
                    left = Math.min(left, c);
                    right = Math.max(right, c);
                }
            }
        }
        SopCrop crop = new SopCrop(top, left, bottom - top + 1, right - left + 1, S);
        long[] again = new long[S * S];
        crop.maskInto(again, 0);
        for (int p = 0; p < S * S; p++) {
            assertThat(target[offset + p]).as("the target is one solid rectangle").isEqualTo(again[p]);
        }
        return crop;
    }

    /** (i, j) of the result shows (j, S-1-i) of the input, band by band: a quarter turn counter-clockwise. */
    private static float[] rotateCounterClockwise(float[] img) {
        float[] out = new float[img.length];
        for (int b = 0; b < C; b++) {
            for (int i = 0; i < S; i++) {
                for (int j = 0; j < S; j++) {
                    out[(b * S + i) * S + j] = img[(b * S + j) * S + (S - 1 - i)];
                }
            }
        }
        return out;
    }

    private static int count(long[] values, long v) {
        int n = 0;
        for (long x : values) {
            n += x == v ? 1 : 0;
        }
        return n;
    }
}
