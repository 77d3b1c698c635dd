package io.satstream.training.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.training.engine.TrainingEngine;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How many slots a buffer gets from its byte and tile limits, and what the options builder refuses. */
class PretrainingBufferCapacityTest {

    @Test
    void theByteLimitCapsTheSlotCountWhenItHoldsFewerSlotsThanMaxTiles() {
        // A 3-band 16x16 slot plus its labels: 4 * 256 = 1024 bytes; 10.99 slots' worth of bytes gives 10.
        BufferOptions options = BufferOptions.builder().slotSize(16).bands(3).maxTiles(100)
                .maxBytes(10 * 1024 + 1023).build();
        assertThat(options.bytesPerSlot()).isEqualTo(1024);
        assertThat(options.slots()).isEqualTo(10);
        try (PretrainingBuffer buffer = new PretrainingBuffer(options, TrainingEngine.shared(),
                new ManualClock(Instant.EPOCH))) {
            assertThat(buffer.capacity()).isEqualTo(10);
            BufferStats stats = buffer.stats();
            assertThat(stats.capacity()).isEqualTo(10);
            assertThat(stats.bytesCapacity()).isEqualTo(10 * 1024);
            assertThat(stats.bytesUsed()).isZero();
            assertThat(stats.stagingCapacity()).isEqualTo(BufferOptions.DEFAULT_STAGING_CAPACITY);
        }
    }

    @Test
    void maxTilesCapsTheSlotCountWhenTheBytesWouldHoldMore() {
        BufferOptions options = BufferOptions.builder().slotSize(16).bands(3).maxTiles(7).maxBytes(1 << 20).build();
        assertThat(options.slots()).isEqualTo(7);
    }

    @Test
    void theDefaultsAreTheDocumentedConstants() {
        BufferOptions d = BufferOptions.defaults();
        assertThat(d.slotSize()).isEqualTo(128);
        assertThat(d.bands()).isEqualTo(3);
        assertThat(d.maxTiles()).isEqualTo(2048);
        assertThat(d.maxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(d.stagingCapacity()).isEqualTo(64);
        assertThat(d.admission()).isEqualTo(AdmissionPolicy.FIFO);
        // 2048 slots of 4 x 128 x 128 bytes take 128 MiB, within 256 MiB: maxTiles decides.
        assertThat(d.slots()).isEqualTo(2048);
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void eachInvalidOptionIsNamedWithWhatIsWrong() {
        assertThatThrownBy(() -> BufferOptions.builder().slotSize(4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid buffer options: slotSize 4 is below the minimum 8");
        assertThatThrownBy(() -> BufferOptions.builder().bands(0).build())
                .hasMessage("invalid buffer options: bands 0 is outside 1..256");
        assertThatThrownBy(() -> BufferOptions.builder().bands(257).build())
                .hasMessage("invalid buffer options: bands 257 is outside 1..256");
        assertThatThrownBy(() -> BufferOptions.builder().maxTiles(0).build())
                .hasMessage("invalid buffer options: maxTiles 0 must be >= 1");
        assertThatThrownBy(() -> BufferOptions.builder().stagingCapacity(0).build())
                .hasMessage("invalid buffer options: stagingCapacity 0 must be >= 1");
        assertThatThrownBy(() -> BufferOptions.builder().admission(null).build())
                .hasMessage("invalid buffer options: admission must be one of FIFO, RESERVOIR (was null)");
        assertThatThrownBy(() -> BufferOptions.builder().slotSize(16).bands(3).maxBytes(1000).build())
                .hasMessage("invalid buffer options: maxBytes 1000 holds no slot: one slot of 3 x 16 x 16 pixels"
                        + " plus 16 x 16 labels takes 1024 bytes");
        assertThatThrownBy(() -> BufferOptions.builder().slotSize(40_000).bands(2).build())
                .hasMessageContaining("does not fit a Java array; use a smaller slotSize");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> BufferOptions.builder().slotSize(2).maxTiles(-1).stagingCapacity(0).maxBytes(0)
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid buffer options: slotSize 2 is below the minimum 8; maxTiles -1 must be >= 1;"
                        + " stagingCapacity 0 must be >= 1; maxBytes 0 must be positive");
    }
}
