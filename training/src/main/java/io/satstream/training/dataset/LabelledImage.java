package io.satstream.training.dataset;

import io.satstream.training.LabeledSample;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pair read from disk: the image's 8-bit planar pixels with one label per pixel, and what the mask held besides
 * classes.
 *
 * @param bands the image's band names as decoded ({@code red, green, blue} for colour images)
 * @param ignoredPixels mask pixels with a value listed as ignore in the class file
 * @param unknownPixels mask pixels with a value the class file does not know (also ignored)
 * @param unknownValues the most frequent of those values with their counts ({@code colour #000000 -> 302})
 */
public record LabelledImage(LabelledPair pair, LabeledSample sample, List<String> bands, long ignoredPixels,
        long unknownPixels, Map<String, Long> unknownValues) {

    public LabelledImage {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(sample, "sample");
        bands = List.copyOf(bands);
        Objects.requireNonNull(unknownValues, "unknownValues");
    }
}
