package io.satstream.training.pretext;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Noisy-label batches: only labelled tiles, and no loss on ignored pixels or on classes the model lacks. */
class NoisyLabelsTest {

    @Test
    void unlabelledTilesAreLeftOutAndIgnoredOrUnknownClassesCarryNoLoss() {
        byte[] labels = new byte[16];
        labels[0] = 2;
        labels[1] = (byte) TileSample.IGNORE;
        labels[2] = 7; // the model has 3 classes
        labels[3] = 1;
        TileSample labelled = new TileSample(new float[16], 1, 4, labels);
        TileSample bare = new TileSample(new float[16], 1, 4, null);

        PretextBatch batch = new NoisyLabels(3).batch(List.of(bare, labelled, bare), new Random()).orElseThrow();

        assertThat(batch.n()).isEqualTo(1);
        assertThat(batch.target()[0]).isEqualTo(2);
        assertThat(batch.target()[3]).isEqualTo(1);
        assertThat(batch.weight()[0]).isEqualTo(1f);
        assertThat(batch.weight()[1]).isZero();
        assertThat(batch.weight()[2]).isZero();
        assertThat(batch.weighted()).isEqualTo(16 - 2);
        assertThat(new NoisyLabels(3).batch(List.of(bare, bare), new Random())).isEmpty();
    }
}
