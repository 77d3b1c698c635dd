package io.satstream.training.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.training.engine.TrainingEngine;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which offered tiles end up stored, and how the counters account for every one of them. */
class PretrainingBufferAdmissionTest {

    private static final int SIZE = 8;

    private static PretrainingBuffer buffer(AdmissionPolicy admission, int maxTiles) {
        return new PretrainingBuffer(BufferOptions.builder().slotSize(SIZE).bands(1).maxTiles(maxTiles)
                .stagingCapacity(64).admission(admission).seed(3).build(), TrainingEngine.shared(),
                new ManualClock(Instant.EPOCH));
    }

    @Test
    void fifoKeepsExactlyTheNewestTilesWithExactCounts() {
        try (PretrainingBuffer buffer = buffer(AdmissionPolicy.FIFO, 4)) {
            for (int i = 0; i < 10; i++) {
                assertThat(buffer.offer(Tiles.numbered(i, SIZE, 1))).isEqualTo(OfferOutcome.ADMITTED);
            }
            assertThat(buffer.stats().staged()).as("nothing reaches storage before a drain").isEqualTo(10);
            assertThat(buffer.stats().fill()).isZero();

            assertThat(buffer.drain()).isEqualTo(10);

            assertThat(buffer.storedTiles()).extracting(StoredTile::tileId)
                    .containsExactlyInAnyOrder("t6", "t7", "t8", "t9");
            BufferStats stats = buffer.stats();
            assertThat(stats.capacity()).isEqualTo(4);
            assertThat(stats.fill()).isEqualTo(4);
            assertThat(stats.staged()).isZero();
            assertThat(stats.offered()).isEqualTo(10);
            assertThat(stats.admitted()).isEqualTo(10);
            assertThat(stats.replaced()).as("t0..t5 overwritten in storage").isEqualTo(6);
            assertThat(stats.replacedInStaging()).isZero();
            assertThat(stats.refusedTotal()).isZero();
            assertThat(stats.bytesUsed()).isEqualTo(4L * 2 * SIZE * SIZE);
        }
    }

    @Test
    void fifoReplacesTheOldestAcrossSeveralDrains() {
        try (PretrainingBuffer buffer = buffer(AdmissionPolicy.FIFO, 3)) {
            for (int i = 0; i < 5; i++) {
                buffer.offer(Tiles.numbered(i, SIZE, 1));
                buffer.drain();
            }
            assertThat(buffer.storedTiles()).extracting(StoredTile::tileId).containsExactlyInAnyOrder("t2", "t3", "t4");
            assertThat(buffer.stats().replaced()).isEqualTo(2);
        }
    }

    @Test
    void reservoirRefusalsAreCountedAndEveryAdmittedTileIsAccountedFor() {
        try (PretrainingBuffer buffer = buffer(AdmissionPolicy.RESERVOIR, 4)) {
            int refused = 0;
            for (int i = 0; i < 60; i++) {
                OfferOutcome outcome = buffer.offer(Tiles.numbered(i, SIZE, 1));
                if (i < 4) {
                    assertThat(outcome).as("the first tiles fill the reservoir").isEqualTo(OfferOutcome.ADMITTED);
                }
                if (outcome == OfferOutcome.REFUSED_RESERVOIR) {
                    refused++;
                }
            }
            buffer.drain();
            BufferStats stats = buffer.stats();
            assertThat(refused).as("later tiles are admitted with probability 4/n only").isGreaterThan(30);
            assertThat(stats.refused("reservoir")).isEqualTo(refused);
            assertThat(stats.admitted()).isEqualTo(60 - refused);
            assertThat(stats.fill()).isEqualTo(4);
            assertThat(stats.admitted()).isEqualTo(stats.fill() + stats.replaced() + stats.staged());
        }
    }
}
