package io.satstream.training.pretext;

/**
 * Subimage Overlap Prediction settings. The authors' code is not public: crop range, augmentation, how the crop
 * enters the network and the loss are our design (../shared/design/SEEDS.md, section 1), hence configuration.
 *
 * @param minCropFraction smallest crop side as a fraction of the tile side
 * @param maxCropFraction largest crop side as a fraction of the tile side (sides are drawn independently: any aspect)
 * @param feed how the crop reaches the network
 * @param brightnessJitter the crop's bands are shifted by up to this much (in normalised units), each band its own
 * @param contrastJitter the crop's bands are scaled by {@code 1 ± contrastJitter}, each band its own
 * @param rotateProbability chance that the crop is rotated by 90, 180 or 270 degrees (the hard variant; the target,
 *     where it lies, is unchanged)
 * @param negativeProbability chance that the crop comes from another tile of the batch: the target is then empty
 * @param loss the loss against the overlap mask
 */
public record SopOptions(double minCropFraction, double maxCropFraction, Feed feed, double brightnessJitter,
        double contrastJitter, double rotateProbability, double negativeProbability, Loss loss) {

    /** How the crop enters the network. */
    public enum Feed {
        /**
         * The crop, resized to the tile (nearest neighbour), stacked after the tile's bands: the network sees 2 x bands
         * channels. A fine-tuned model keeps the kernels of the tile's bands and drops the crop's.
         */
        CHANNELS
    }

    /** The loss against the overlap mask. */
    public enum Loss {
        /** Binary cross-entropy (as two-class softmax cross-entropy: the same function of the logit difference). */
        BCE,
        /** Soft Dice of the overlap class. */
        DICE,
        /** Their sum. */
        BCE_DICE
    }

    /** Sides 25–75 % of the tile, mild colour jitter on the crop, no rotation, 10 % negatives, BCE + Dice. */
    public static SopOptions defaults() {
        return new SopOptions(0.25, 0.75, Feed.CHANNELS, 0.1, 0.2, 0.0, 0.1, Loss.BCE_DICE);
    }

    public SopOptions {
        if (!(minCropFraction > 0) || !(maxCropFraction <= 1) || minCropFraction > maxCropFraction) {
            throw new IllegalArgumentException("crop fractions must satisfy 0 < min <= max <= 1, got " + minCropFraction
                    + ".." + maxCropFraction);
        }
        if (feed == null || loss == null) {
            throw new IllegalArgumentException("feed and loss must be set");
        }
        requireFraction("brightnessJitter", brightnessJitter);
        requireFraction("contrastJitter", contrastJitter);
        requireFraction("rotateProbability", rotateProbability);
        requireFraction("negativeProbability", negativeProbability);
    }

    public SopOptions withLoss(Loss newLoss) {
        return new SopOptions(minCropFraction, maxCropFraction, feed, brightnessJitter, contrastJitter,
                rotateProbability, negativeProbability, newLoss);
    }

    public SopOptions withAugmentation(double brightness, double contrast, double rotate, double negative) {
        return new SopOptions(minCropFraction, maxCropFraction, feed, brightness, contrast, rotate, negative, loss);
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }
}
