package io.satstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.training.LabeledSample;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageSamplesTest {

    private static LabeledSample image(int w, int h) {
        return new LabeledSample(new byte[3 * w * h], new byte[w * h], w, h);
    }

    @Test
    void drawsImagesInProportionToTheirPixelsSoEveryPixelIsEquallyLikely() {
        LabeledSample small = image(10, 10);
        LabeledSample large = image(30, 10);
        ImageSamples samples = new ImageSamples(List.of(small, large));
        Random rnd = new Random(5);

        int large3x = 0;
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            if (samples.next(rnd) == large) {
                large3x++;
            }
        }
        // p = 0.75; 20,000 draws keep the share within +-0.015 (five standard deviations)
        assertThat(large3x / (double) draws).isBetween(0.735, 0.765);
    }

    @Test
    void theSameSeedDrawsTheSameImages() {
        ImageSamples samples = new ImageSamples(List.of(image(4, 4), image(5, 4), image(6, 4)));
        Random a = new Random(9);
        Random b = new Random(9);
        for (int i = 0; i < 100; i++) {
            assertThat(samples.next(a)).isSameAs(samples.next(b));
        }
    }

    @Test
    void refusesNoImages() {
        assertThatThrownBy(() -> new ImageSamples(List.of())).hasMessage("no images to draw samples from");
    }
}
