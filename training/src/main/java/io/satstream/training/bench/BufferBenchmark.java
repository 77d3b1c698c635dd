package io.satstream.training.bench;

import ai.djl.ndarray.NDManager;
import io.satstream.inference.InputSpec;
import io.satstream.training.buffer.BufferEntry;
import io.satstream.training.buffer.BufferOptions;
import io.satstream.training.buffer.PretrainingBuffer;
import io.satstream.training.buffer.SampledBatch;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.pretext.PretextBatch;
import io.satstream.training.pretext.PretextTrainer;
import io.satstream.training.pretext.SopOptions;
import io.satstream.training.pretext.SubimageOverlapPrediction;
import io.satstream.training.pretext.TileSample;
import io.satstream.training.pretrain.BufferTiles;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the pretraining buffer costs, measured in one run: how many tiles a second one writer can offer (admission,
 * the random crop and the copy into staging), and how long sampling a batch on the device takes against a SOP
 * training step on that batch. The pretraining benchmark reports these beside the segmentation rate.
 */
public final class BufferBenchmark {

    /** Results: offers per second, and mean milliseconds of sampling and of a step. */
    public record Result(int tileSize, int slotSize, int batchSize, long offers, double offersPerSecond,
            int steps, double sampleMillis, double stepMillis) {

        /** Sampling's share of a training iteration (sample + step). */
        public double samplingShare() {
            return sampleMillis / (sampleMillis + stepMillis);
        }
    }

    private BufferBenchmark() {
    }

    /**
     * Offers {@code offers} random RGB tiles of {@code tileSize} into a buffer of {@code slotSize} slots, then runs
     * {@code steps} SOP steps of {@code batchSize} on batches sampled from it (after one warm-up step).
     */
    public static Result run(TrainingEngine engine, int tileSize, int slotSize, int batchSize, long offers, int steps) {
        Random rnd = new Random(1);
        List<byte[]> tiles = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] px = new byte[3 * tileSize * tileSize];
            rnd.nextBytes(px);
            tiles.add(px);
        }
        BufferOptions options = BufferOptions.builder().slotSize(slotSize).bands(3).maxTiles(1024)
                .maxBytes(1024L * 3 * slotSize * slotSize * 2).build();
        try (PretrainingBuffer buffer = new PretrainingBuffer(options, engine, InstantSource.system())) {
            long t0 = System.nanoTime();
            for (long i = 0; i < offers; i++) {
                buffer.offer(BufferEntry.of("t" + i, tileSize, tileSize, 3, tiles.get((int) (i % tiles.size())),
                        null));
            }
            double offerSeconds = (System.nanoTime() - t0) / 1e9;
            buffer.drain();

            SubimageOverlapPrediction sop = new SubimageOverlapPrediction(SopOptions.defaults());
            InputSpec spec = InputSpec.rgbUint8(slotSize);
            long sampleNanos = 0;
            long stepNanos = 0;
            try (PretextTrainer trainer = new PretextTrainer(engine, sop, sop.network(3, 2, 16), 1e-3f, 1, null)) {
                for (int s = 0; s <= steps; s++) {
                    long a = System.nanoTime();
                    List<TileSample> batch;
                    try (NDManager m = engine.newManager();
                            SampledBatch sampled = buffer.sample(m, batchSize).orElseThrow()) {
                        batch = BufferTiles.of(sampled, spec);
                    }
                    long b = System.nanoTime();
                    PretextBatch pb = sop.batch(batch, rnd).orElseThrow();
                    trainer.step(pb);
                    long c = System.nanoTime();
                    if (s > 0) {
                        sampleNanos += b - a;
                        stepNanos += c - b;
                    }
                }
            }
            return new Result(tileSize, slotSize, batchSize, offers, offers / offerSeconds, steps,
                    sampleNanos / 1e6 / steps, stepNanos / 1e6 / steps);
        }
    }
}
