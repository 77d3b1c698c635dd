package io.satstream.training.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.satstream.training.engine.TrainingEngine;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the buffer accepts: tiles of another shape are refused, larger ones are cropped with their labels. */
class PretrainingBufferInputTest {

    private static final int SIZE = 8;
    private static final int BANDS = 2;
    /** A tile larger than a slot; {@code W * H} stays below 256 so that band 0 numbers every pixel. */
    private static final int W = 15;
    private static final int H = 12;

    private static PretrainingBuffer buffer() {
        return new PretrainingBuffer(BufferOptions.builder().slotSize(SIZE).bands(BANDS).maxTiles(16)
                .stagingCapacity(16).seed(5).build(), TrainingEngine.shared(), new ManualClock(Instant.EPOCH));
    }

    @Test
    void tilesSmallerThanASlotOrWithAnotherBandCountAreRefusedForShape() {
        try (PretrainingBuffer buffer = buffer()) {
            assertThat(buffer.offer(BufferEntry.of("narrow", SIZE - 1, SIZE, BANDS,
                    new byte[BANDS * (SIZE - 1) * SIZE], null))).isEqualTo(OfferOutcome.REFUSED_SHAPE);
            assertThat(buffer.offer(BufferEntry.of("low", SIZE, SIZE - 1, BANDS,
                    new byte[BANDS * SIZE * (SIZE - 1)], null))).isEqualTo(OfferOutcome.REFUSED_SHAPE);
            assertThat(buffer.offer(Tiles.uniform("three-bands", SIZE, BANDS + 1, 0)))
                    .isEqualTo(OfferOutcome.REFUSED_SHAPE);
            assertThat(OfferOutcome.REFUSED_SHAPE.reason()).isEqualTo("shape");

            BufferStats stats = buffer.stats();
            assertThat(stats.offered()).isEqualTo(3);
            assertThat(stats.refused("shape")).isEqualTo(3);
            assertThat(stats.refused("reservoir")).isZero();
            assertThat(stats.admitted()).isZero();
            assertThat(stats.staged()).isZero();
            assertThat(buffer.storedTiles()).isEmpty();
        }
    }

    @Test
    void aLargerTileIsRandomlyCroppedToTheSlotWithItsLabelsCutFromTheSameWindow() {
        try (PretrainingBuffer buffer = buffer(); NDManager root = TrainingEngine.shared().newManager()) {
            for (int i = 0; i < 16; i++) {
                assertThat(buffer.offer(numberedPixelsTile("big" + i))).isEqualTo(OfferOutcome.ADMITTED);
            }
            Set<Integer> windows = new HashSet<>();
            try (NDManager step = root.newSubManager(); SampledBatch batch = buffer.sample(step, 64).orElseThrow()) {
                float[] x = batch.pixels().toFloatArray();
                long[] y = batch.labels().toLongArray();
                int plane = SIZE * SIZE;
                for (int i = 0; i < batch.size(); i++) {
                    int first = pixel(x, (i * BANDS) * plane);
                    int x0 = first % W;
                    int y0 = first / W;
                    assertThat(x0).isLessThanOrEqualTo(W - SIZE);
                    assertThat(y0).isLessThanOrEqualTo(H - SIZE);
                    windows.add(first);
                    for (int row = 0; row < SIZE; row++) {
                        for (int col = 0; col < SIZE; col++) {
                            int at = row * SIZE + col;
                            int band0 = pixel(x, (i * BANDS) * plane + at);
                            int band1 = pixel(x, (i * BANDS + 1) * plane + at);
                            assertThat(band0).as("a contiguous window at (%d,%d)", x0, y0)
                                    .isEqualTo((y0 + row) * W + x0 + col);
                            assertThat(band1).as("band 1 cut from the same window").isEqualTo(255 - band0);
                            assertThat(y[i * plane + at]).as("label cut from the same window")
                                    .isEqualTo(labelOf(band0));
                        }
                    }
                }
            }
            assertThat(windows).as("crop positions are drawn at random, not always the same").hasSizeGreaterThan(1);
        }
    }

    @Test
    void entriesAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> BufferEntry.of("t", 4, 4, 3, new byte[47], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 3 x 4 x 4 = 48 pixel bytes, got 47 (tile t)");
        assertThatThrownBy(() -> BufferEntry.of("t", 4, 4, 1, new byte[16], new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 4 x 4 = 16 labels, got 15 (tile t)");
        assertThatThrownBy(() -> BufferEntry.of("t", 0, 4, 1, new byte[0], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("width and height must be positive: 0x4 (tile t)");
        assertThatThrownBy(() -> BufferEntry.of(" ", 1, 1, 1, new byte[1], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tileId must not be blank");
        assertThatThrownBy(() -> new BufferEntry("t", -2, 0, 1, 1, 1, new byte[1], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partition must be >= 0, or -1 for none: -2 (tile t)");
        assertThatThrownBy(() -> new BufferEntry("t", 0, -5, 1, 1, 1, new byte[1], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset must be >= 0, or -1 for none: -5 (tile t)");
        assertThatThrownBy(() -> BufferEntry.of("t", 1, 1, 0, new byte[0], null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bands must be >= 1: 0 (tile t)");
    }

    /** Band 0 numbers the pixels row-major, band 1 is its complement, and each label is a function of band 0. */
    private static BufferEntry numberedPixelsTile(String id) {
        int pixels = W * H;
        byte[] planar = new byte[BANDS * pixels];
        byte[] labels = new byte[pixels];
        for (int p = 0; p < pixels; p++) {
            planar[p] = (byte) p;
            planar[pixels + p] = (byte) (255 - p);
            labels[p] = (byte) labelOf(p);
        }
        return BufferEntry.of(id, W, H, BANDS, planar, labels);
    }

    private static int labelOf(int band0) {
        return band0 % 7;
    }

    private static int pixel(float[] scaled, int at) {
        return Math.round(scaled[at] * 255);
    }
}
