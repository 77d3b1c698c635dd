package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.MaskDecoder;
import io.satstream.inference.RuntimeOptions;
import io.satstream.jobs.TestModelStore;
import io.satstream.jobs.TestTiles;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;
import io.satstream.schemas.TilePlacement;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSegmenterTest {
    /** Not a multiple of the model's 8: every tile is padded for the network and cropped back. */
    private static final int W = 30;
    private static final int H = 20;

    @TempDir
    static Path store;
    private static ServingModel model;

    @BeforeAll
    static void model() {
        TestModelStore.createServingModel(store, "unet");
        model = ServingModel.loadServing(store, "unet", "onnxruntime", new RuntimeOptions(1, 1));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void roundUpToTheModelMultiple() {
        assertThat(BatchSegmenter.roundUp(256, 8)).isEqualTo(256);
        assertThat(BatchSegmenter.roundUp(797, 8)).isEqualTo(800);
        assertThat(BatchSegmenter.roundUp(1, 8)).isEqualTo(8);
    }

    @Test
    void paddingReplicatesEdgesAndCropUndoesIt() {
        int c = 2, w = 3, h = 2, pw = 4, ph = 4;
        float[] src = new float[c * w * h];
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
        }
        float[] dst = new float[5 + c * pw * ph];
        BatchSegmenter.padReplicate(src, c, w, h, dst, 5, pw, ph);
        // band 0, row 0: 1 2 3 | 3 ; row 1: 4 5 6 | 6 ; rows 2, 3 repeat row 1
        assertThat(java.util.Arrays.copyOfRange(dst, 5, 5 + 16))
                .containsExactly(1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 4, 5, 6, 6);
        assertThat(dst[5 + 16]).isEqualTo(7f);
        // crop treats the padded canvas as logits of one tile (k = c classes) at index 0
        float[] padded = java.util.Arrays.copyOfRange(dst, 5, dst.length);
        assertThat(BatchSegmenter.crop(padded, 0, c, pw, ph, w, h)).containsExactly(src);
    }

    @Test
    void noDataPixelsGet255ExactlyAndEveryOtherPixelKeepsItsClass() {
        // Left half 0 in every band, nodata 0; column 22 is 0 in red only, which is still data.
        Tile zeroed = TestTiles.rgb("nodata", W, H, 1);
        byte[] px = zeroed.getPixels().array();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W / 2; x++) {
                for (int b = 0; b < 3; b++) {
                    px[b * W * H + y * W + x] = 0;
                }
            }
            px[y * W + 22] = 0;
        }
        Tile nodata = Tile.newBuilder(zeroed).setNodata(0.0).build();

        // Placed at (10, 5) in a 34x22 scene: x >= 24 and y >= 17 are padding past the scene edge.
        Tile unplaced = TestTiles.rgb("padded", W, H, 2);
        Tile padded = Tile.newBuilder(unplaced).setPlacement(TilePlacement.newBuilder().setRow(1).setCol(1)
                .setXOffset(10).setYOffset(5).setSceneWidth(34).setSceneHeight(22).setOverlap(0).build()).build();

        // An internal mask: no data on a diagonal band.
        Tile unmasked = TestTiles.rgb("masked", W, H, 3);
        byte[] validMask = new byte[W * H];
        for (int p = 0; p < validMask.length; p++) {
            int x = p % W;
            int y = p / W;
            validMask[p] = (byte) (Math.abs(x - y) < 3 ? 0 : 255);
        }
        Tile masked = Tile.newBuilder(unmasked).setValidMask(ByteBuffer.wrap(validMask)).build();

        Tile plain = TestTiles.rgb("plain", W, H, 4);

        // Same pixels, same batch positions, with and without the no-data information: the network sees the
        // same input, so wherever there is data the classes must be the reference's.
        List<Segmentation> out = BatchSegmenter.segment(model, List.of(nodata, padded, masked, plain), new long[4]);
        List<Segmentation> ref = BatchSegmenter.segment(model, List.of(zeroed, unplaced, unmasked, plain), new long[4]);

        assertNoDataExactlyWhere(out.get(0), ref.get(0), p -> p % W < W / 2);
        assertNoDataExactlyWhere(out.get(1), ref.get(1), p -> p % W >= 24 || p / W >= 17);
        assertNoDataExactlyWhere(out.get(2), ref.get(2), p -> validMask[p] == 0);

        Segmentation all = out.get(3);
        assertThat(all.getNodata()).as("a tile with data everywhere has no nodata value").isNull();
        assertThat(mask(all)).doesNotContain((byte) MaskValues.NO_DATA);
        assertThat(mask(all)).isEqualTo(mask(ref.get(3)));
        assertThat(sum(all.getClassPixelCounts())).isEqualTo(W * H);
        for (Segmentation s : ref) {
            assertThat(s.getNodata()).isNull();
            assertThat(mask(s)).doesNotContain((byte) MaskValues.NO_DATA);
        }
    }

    @Test
    void theDecodersNoDataValueIsTheSchemas() {
        assertThat(MaskDecoder.NO_DATA).isEqualTo(MaskValues.NO_DATA);
        assertThat(MaskDecoder.MAX_CLASSES).isEqualTo(MaskValues.MAX_CLASSES);
    }

    @Test
    void validityOfAnotherSizeIsRefusedBeforeInference() {
        Tile t = TestTiles.rgb("t", W, H, 5);
        List<byte[]> valid = new ArrayList<>();
        valid.add(new byte[W * H - 1]);
        assertThatThrownBy(() -> BatchSegmenter.infer(model, List.of(t), valid))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validity of tile t has 599 values, expected 600");
    }

    /** 255 exactly on {@code noData}; elsewhere the reference's class, and counts over those pixels only. */
    private static void assertNoDataExactlyWhere(Segmentation s, Segmentation reference, IntPredicate noData) {
        byte[] mask = mask(s);
        byte[] expectedClasses = mask(reference);
        long[] counts = new long[TestModelStore.CLASSES.size()];
        int without = 0;
        for (int p = 0; p < W * H; p++) {
            if (noData.test(p)) {
                assertThat(mask[p] & 0xFF).as("%s: pixel (%d, %d) has no data", s.getTileId(), p % W, p / W)
                        .isEqualTo(MaskValues.NO_DATA);
                without++;
            } else {
                assertThat(mask[p]).as("%s: pixel (%d, %d)", s.getTileId(), p % W, p / W)
                        .isEqualTo(expectedClasses[p]);
                counts[mask[p]]++;
            }
        }
        assertThat(without).as("the case has pixels with and without data").isBetween(1, W * H - 1);
        assertThat(s.getNodata()).isEqualTo(MaskValues.NO_DATA);
        assertThat(s.getClassPixelCounts()).containsExactlyElementsOf(Arrays.stream(counts).boxed().toList());
        assertThat(s.getMeanConfidence()).isBetween(1f / counts.length, 1f);
    }

    private static byte[] mask(Segmentation s) {
        byte[] out = new byte[s.getMask().remaining()];
        s.getMask().duplicate().get(out);
        return out;
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }
}
