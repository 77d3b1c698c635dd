package io.satstream.training.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.satstream.inference.Evaluation;
import io.satstream.training.engine.TrainingEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batches drawn on the device: shapes, types, scaling, labels, metadata, ages, starvation and memory ownership. */
class PretrainingBufferSamplingTest {

    private static final int SIZE = 8;
    private static final int BANDS = 3;
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private NDManager root;
    private PretrainingBuffer buffer;

    @BeforeEach
    void open() {
        root = TrainingEngine.shared().newManager();
        buffer = new PretrainingBuffer(BufferOptions.builder().slotSize(SIZE).bands(BANDS).maxTiles(8)
                .stagingCapacity(8).seed(11).build(), TrainingEngine.shared(), clock);
    }

    @AfterEach
    void close() {
        buffer.close();
        root.close();
    }

    @Test
    void aBatchIsScaledFloatPixelsAndInt64LabelsOnTheBuffersDevice() {
        buffer.offer(Tiles.uniform("white", SIZE, BANDS, 255, 1));
        buffer.offer(Tiles.uniform("black", SIZE, BANDS, 0));
        buffer.offer(Tiles.uniform("grey", SIZE, BANDS, 51, 2));

        try (NDManager step = root.newSubManager(); SampledBatch batch = buffer.sample(step, 24).orElseThrow()) {
            assertThat(batch.size()).isEqualTo(24);
            NDArray pixels = batch.pixels();
            assertThat(pixels.getShape()).isEqualTo(new Shape(24, BANDS, SIZE, SIZE));
            assertThat(pixels.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(pixels.getDevice()).isEqualTo(buffer.device()).isEqualTo(TrainingEngine.shared().device());
            assertThat(pixels.getManager()).as("attached to the caller's step manager").isSameAs(step);
            assertThat(batch.hasLabels()).isTrue();
            NDArray labels = batch.labels();
            assertThat(labels.getShape()).isEqualTo(new Shape(24, 1, SIZE, SIZE));
            assertThat(labels.getDataType()).isEqualTo(DataType.INT64);
            assertThat(labels.getManager()).isSameAs(step);

            float[] x = pixels.toFloatArray();
            long[] y = labels.toLongArray();
            int planes = BANDS * SIZE * SIZE;
            int plane = SIZE * SIZE;
            Set<String> seen = batch.tiles().stream().map(StoredTile::tileId).collect(Collectors.toSet());
            assertThat(seen).as("24 draws from 3 tiles reach each of them").containsExactlyInAnyOrder("white", "black",
                    "grey");
            for (int i = 0; i < batch.size(); i++) {
                StoredTile tile = batch.tiles().get(i);
                float pixel = switch (tile.tileId()) {
                    case "white" -> 1.0f;
                    case "black" -> 0.0f;
                    default -> 0.2f;
                };
                long label = switch (tile.tileId()) {
                    case "white" -> 1;
                    case "black" -> Evaluation.IGNORE;
                    default -> 2;
                };
                assertThat(batch.labelled(i)).isEqualTo(!tile.tileId().equals("black"));
                for (int p = 0; p < planes; p++) {
                    assertThat(x[i * planes + p]).as("%s pixel %d", tile.tileId(), p).isEqualTo(pixel);
                }
                for (int p = 0; p < plane; p++) {
                    assertThat(y[i * plane + p]).as("%s label %d", tile.tileId(), p).isEqualTo(label);
                }
            }
        }
    }

    @Test
    void labelsAreNullWhenNoSampledTileHasLabels() {
        buffer.offer(Tiles.uniform("a", SIZE, BANDS, 7));
        buffer.offer(Tiles.uniform("b", SIZE, BANDS, 9));
        try (NDManager step = root.newSubManager(); SampledBatch batch = buffer.sample(step, 4).orElseThrow()) {
            assertThat(batch.hasLabels()).isFalse();
            assertThat(batch.labels()).isNull();
            assertThat(batch.tiles()).noneMatch(StoredTile::labelled);
        }
        assertThat(buffer.stats().labelledFraction()).isZero();
    }

    @Test
    void sampledTilesAreStoredOnesWithTheirKafkaPositions() {
        for (int i = 0; i < 12; i++) {
            buffer.offer(new BufferEntry("k" + i, 2, 100L + i, SIZE, SIZE, BANDS, new byte[BANDS * SIZE * SIZE],
                    i % 3 == 0 ? new byte[SIZE * SIZE] : null));
        }
        Set<String> stored = buffer.storedTiles().stream().map(StoredTile::tileId).collect(Collectors.toSet());
        assertThat(stored).hasSize(8);
        try (NDManager step = root.newSubManager(); SampledBatch batch = buffer.sample(step, 32).orElseThrow()) {
            for (StoredTile tile : batch.tiles()) {
                assertThat(stored).contains(tile.tileId());
                int i = Integer.parseInt(tile.tileId().substring(1));
                assertThat(tile.partition()).isEqualTo(2);
                assertThat(tile.offset()).isEqualTo(100L + i);
                assertThat(tile.labelled()).isEqualTo(i % 3 == 0);
            }
        }
        // Stored: k4..k11, labelled: k6 and k9.
        assertThat(buffer.stats().labelledFraction()).isEqualTo(2.0 / 8);
    }

    @Test
    void anEmptyBufferReturnsNothingAndCountsStarvation() {
        try (NDManager step = root.newSubManager()) {
            assertThat(buffer.sample(step, 4)).isEmpty();
            assertThat(buffer.sample(step, 4)).isEmpty();
        }
        BufferStats stats = buffer.stats();
        assertThat(stats.starvedSamples()).isEqualTo(2);
        assertThat(stats.batchesSampled()).isZero();
        assertThat(stats.tilesSampled()).isZero();
    }

    @Test
    void sampleAgesComeFromTheInjectedClock() {
        buffer.offer(Tiles.uniform("old", SIZE, BANDS, 1));
        clock.advance(Duration.ofSeconds(3));
        buffer.offer(Tiles.uniform("new", SIZE, BANDS, 2));
        clock.advance(Duration.ofMillis(1500));

        try (NDManager step = root.newSubManager(); SampledBatch batch = buffer.sample(step, 16).orElseThrow()) {
            assertThat(batch.sampledAt()).isEqualTo(T0.plusMillis(4500));
            double sumMs = 0;
            for (StoredTile tile : batch.tiles()) {
                Instant admitted = tile.tileId().equals("old") ? T0 : T0.plusSeconds(3);
                assertThat(tile.admittedAt()).isEqualTo(admitted);
                sumMs += tile.tileId().equals("old") ? 4500 : 1500;
            }
            assertThat(batch.tiles()).extracting(StoredTile::tileId).contains("old", "new");
            BufferStats stats = buffer.stats();
            assertThat(stats.lastBatchMaxAgeMs()).isEqualTo(4500.0);
            assertThat(stats.lastBatchMeanAgeMs()).isEqualTo(sumMs / 16);
            assertThat(stats.batchesSampled()).isEqualTo(1);
            assertThat(stats.tilesSampled()).isEqualTo(16);
        }
    }

    @Test
    void closingTheStepManagerFreesTheBatch() {
        buffer.offer(Tiles.uniform("a", SIZE, BANDS, 3, 1));
        NDArray pixels;
        NDArray labels;
        try (NDManager step = root.newSubManager()) {
            SampledBatch batch = buffer.sample(step, 2).orElseThrow();
            pixels = batch.pixels();
            labels = batch.labels();
            assertThat(pixels.isReleased()).isFalse();
        }
        assertThat(pixels.isReleased()).isTrue();
        assertThat(labels.isReleased()).isTrue();
        // The storage itself is untouched: the next step samples the same tile again.
        try (NDManager step = root.newSubManager()) {
            assertThat(buffer.sample(step, 1)).map(b -> b.tiles().get(0).tileId()).contains("a");
        }
    }

    @Test
    void awaitSampleWaitsForAWriterAndCountsTheWait() throws Exception {
        try (NDManager step = root.newSubManager()) {
            Optional<SampledBatch> none = buffer.awaitSample(step, 2, Duration.ofMillis(20));
            assertThat(none).isEmpty();
            BufferStats starved = buffer.stats();
            assertThat(starved.starvedSamples()).isEqualTo(1);
            // The wait loop only gives up once the whole timeout has passed.
            assertThat(starved.starvedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());

            // A writer that offers once the trainer is waiting (the second starvation) wakes it.
            Thread writer = new Thread(() -> {
                while (buffer.stats().starvedSamples() < 2) {
                    Thread.onSpinWait();
                }
                buffer.offer(Tiles.uniform("late", SIZE, BANDS, 4));
            }, "buffer-test-late-writer");
            writer.start();
            Optional<SampledBatch> batch = buffer.awaitSample(step, 2, Duration.ofSeconds(60));
            writer.join();
            assertThat(batch).isPresent();
            assertThat(batch.get().tiles()).extracting(StoredTile::tileId).containsOnly("late");
            assertThat(buffer.stats().starvedSamples()).isEqualTo(2);
        }
    }

    @Test
    void theBufferLivesOnTheEnginesDevice() {
        TrainingEngine engine = TrainingEngine.shared();
        Device expected = engine.report().passed() && gpuCount() > 0 ? Device.gpu() : Device.cpu();
        assertThat(engine.device()).isEqualTo(expected);
        assertThat(buffer.device()).isEqualTo(expected);
    }

    @Test
    void consumerMethodsRefuseAClosedBufferAndOffersAreCountedAsRefused() {
        buffer.close();
        assertThat(buffer.offer(Tiles.uniform("x", SIZE, BANDS, 1))).isEqualTo(OfferOutcome.REFUSED_CLOSED);
        assertThat(buffer.stats().refused("closed")).isEqualTo(1);
        try (NDManager step = root.newSubManager()) {
            assertThatThrownBy(() -> buffer.sample(step, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the pretraining buffer is closed");
        }
        buffer.close();
    }

    @Test
    void batchSizeMustBePositive() {
        try (NDManager step = root.newSubManager()) {
            assertThatThrownBy(() -> buffer.sample(step, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batchSize must be >= 1: 0");
        }
    }

    private static int gpuCount() {
        return ai.djl.engine.Engine.getEngine(TrainingEngine.ENGINE_NAME).getGpuCount();
    }
}
