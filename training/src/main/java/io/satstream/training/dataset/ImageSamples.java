package io.satstream.training.dataset;

import io.satstream.training.LabeledSample;
import io.satstream.training.LabeledSampleSource;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The images of a dataset split as an endless {@link LabeledSampleSource}: each draw is a whole image, picked with
 * probability proportional to its pixel count, so every pixel is equally likely to end up in a crop (the trainer
 * cuts the random crop). Images are held decoded in memory.
 */
public final class ImageSamples implements LabeledSampleSource {

    private final List<LabeledSample> images;
    private final long[] cumulativePixels;

    public ImageSamples(List<LabeledSample> images) {
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("no images to draw samples from");
        }
        this.images = List.copyOf(images);
        this.cumulativePixels = new long[this.images.size()];
        long sum = 0;
        for (int i = 0; i < this.images.size(); i++) {
            LabeledSample s = this.images.get(i);
            sum += (long) s.width() * s.height();
            cumulativePixels[i] = sum;
        }
    }

    /** The images of {@code read}, in order. */
    public static ImageSamples of(List<LabelledImage> read) {
        return new ImageSamples(read.stream().map(LabelledImage::sample).toList());
    }

    @Override
    public LabeledSample next(Random rnd) {
        long total = cumulativePixels[cumulativePixels.length - 1];
        long pick = (long) (rnd.nextDouble() * total);
        int i = Arrays.binarySearch(cumulativePixels, pick + 1);
        return images.get(i >= 0 ? i : -i - 1);
    }

    public int size() {
        return images.size();
    }
}
