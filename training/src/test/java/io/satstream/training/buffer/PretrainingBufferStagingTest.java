package io.satstream.training.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.djl.ndarray.NDManager;
import io.satstream.training.engine.TrainingEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The writer side: it never waits for the trainer, and a slow trainer costs the oldest staged tiles, counted. */
class PretrainingBufferStagingTest {

    private static final int SIZE = 8;
    /** Only a guard against a hang: the assertions are on counts, not on time. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private static PretrainingBuffer buffer(int maxTiles, int staging) {
        return new PretrainingBuffer(BufferOptions.builder().slotSize(SIZE).bands(1).maxTiles(maxTiles)
                .stagingCapacity(staging).admission(AdmissionPolicy.FIFO).build(), TrainingEngine.shared(),
                new ManualClock(Instant.EPOCH));
    }

    @Test
    void aWriterOffersEverythingWhileTheTrainerIsStalledAndOnlyTheOldestStagedTilesAreLost() throws Exception {
        int offers = 10_000;
        int staging = 16;
        try (PretrainingBuffer buffer = buffer(8, staging)) {
            // Nobody drains or samples while the writer runs.
            assertTimeoutPreemptively(HANG_GUARD, () -> {
                for (int i = 0; i < offers; i++) {
                    assertThat(buffer.offer(Tiles.numbered(i, SIZE, 1))).isEqualTo(OfferOutcome.ADMITTED);
                }
            });

            BufferStats stalled = buffer.stats();
            assertThat(stalled.offered()).isEqualTo(offers);
            assertThat(stalled.admitted()).isEqualTo(offers);
            assertThat(stalled.staged()).isEqualTo(staging);
            assertThat(stalled.replacedInStaging()).isEqualTo(offers - staging);
            assertThat(stalled.replaced()).isEqualTo(offers - staging);
            assertThat(stalled.fill()).isZero();

            assertThat(buffer.drain()).isEqualTo(staging);

            // The 16 newest were staged; FIFO over 8 slots keeps the 8 newest of them.
            List<String> expected = new ArrayList<>();
            for (int i = offers - 8; i < offers; i++) {
                expected.add(Tiles.id(i));
            }
            assertThat(buffer.storedTiles()).extracting(StoredTile::tileId)
                    .containsExactlyInAnyOrderElementsOf(expected);
            BufferStats drained = buffer.stats();
            assertThat(drained.staged()).isZero();
            assertThat(drained.fill()).isEqualTo(8);
            assertThat(drained.replaced()).isEqualTo(offers - 8);
            assertThat(drained.replacedInStaging()).isEqualTo(offers - staging);
        }
    }

    @Test
    void aWriterAndASamplingTrainerRunSideBySideWithConsistentCounts() throws Exception {
        int offers = 6_000;
        int rendezvousEvery = 50;
        try (PretrainingBuffer buffer = buffer(16, 8); NDManager root = TrainingEngine.shared().newManager()) {
            AtomicLong sampleCalls = new AtomicLong();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < offers; i++) {
                        if (i % rendezvousEvery == 0) {
                            // Test pacing only (the buffer never makes a writer wait): let the trainer sample at least
                            // once between bursts, so that offers and samples really interleave on a busy machine.
                            long seen = sampleCalls.get();
                            while (sampleCalls.get() == seen) {
                                Thread.onSpinWait();
                            }
                        }
                        buffer.offer(Tiles.numbered(i, SIZE, 1));
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "buffer-test-writer");
            writer.start();

            assertTimeoutPreemptively(HANG_GUARD, () -> {
                do {
                    sampleAndCheckPixelsMatchIds(buffer, root);
                    sampleCalls.incrementAndGet();
                } while (writer.isAlive());
                writer.join();
            });
            assertThat(writerFailure.get()).isNull();

            buffer.drain();
            BufferStats stats = buffer.stats();
            assertThat(stats.offered()).isEqualTo(offers);
            assertThat(stats.admitted()).isEqualTo(offers);
            assertThat(stats.staged()).isZero();
            assertThat(stats.admitted()).as("every admitted tile is stored or was replaced")
                    .isEqualTo(stats.fill() + stats.replaced());
            // Each burst waits for a sample call; only the first two such calls can find nothing staged yet.
            assertThat(stats.batchesSampled()).as("samples drawn while the writer was offering")
                    .isGreaterThanOrEqualTo(offers / rendezvousEvery - 2);
            assertThat(stats.batchesSampled() + stats.starvedSamples()).isEqualTo(sampleCalls.get());
            assertThat(stats.tilesSampled()).isEqualTo(stats.batchesSampled() * 4);
            assertThat(buffer.storedTiles()).hasSize(stats.fill());
        }
    }

    /** One trainer step: every sampled tile's pixels must be the value its id says (no torn or mixed-up copies). */
    private static void sampleAndCheckPixelsMatchIds(PretrainingBuffer buffer, NDManager root) {
        try (NDManager step = root.newSubManager()) {
            buffer.sample(step, 4).ifPresent(batch -> {
                float[] pixels = batch.pixels().toFloatArray();
                int perSample = SIZE * SIZE;
                for (int i = 0; i < batch.size(); i++) {
                    int expected = Tiles.number(batch.tiles().get(i).tileId()) % 256;
                    for (int p = 0; p < perSample; p++) {
                        assertThat(Math.round(pixels[i * perSample + p] * 255))
                                .as("pixel %d of %s", p, batch.tiles().get(i).tileId()).isEqualTo(expected);
                    }
                }
            });
        }
    }
}
