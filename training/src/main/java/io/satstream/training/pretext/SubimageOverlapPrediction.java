package io.satstream.training.pretext;

import ai.djl.ndarray.NDArray;
import io.satstream.training.SegmentationNet;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Subimage Overlap Prediction (Sharma and Marin, 2026): the network sees a tile and a sub-image cut from it and
 * predicts, per pixel of the tile, whether the sub-image covers it. Targets come from geometry, exact and free; the
 * output is a dense mask like a segmentation's, so the whole UNet (encoder and decoder) learns something that
 * transfers. The crop enters as extra channels ({@link SopOptions.Feed#CHANNELS}); the network has two classes,
 * outside (0) and inside (1).
 */
public final class SubimageOverlapPrediction implements PretextObjective {

    public static final String NAME = "sop";

    private final SopOptions options;

    public SubimageOverlapPrediction(SopOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public SopOptions options() {
        return options;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SegmentationNet.Config network(int bands, int numClasses, int baseChannels) {
        return new SegmentationNet.Config(2 * bands, 2, baseChannels);
    }

    @Override
    public boolean needsLabels() {
        return false;
    }

    /** One view per tile; with {@link SopOptions#negativeProbability()} its crop comes from another tile. */
    @Override
    public Optional<PretextBatch> batch(List<TileSample> tiles, Random rnd) {
        if (tiles.isEmpty()) {
            return Optional.empty();
        }
        TileSample first = tiles.get(0);
        int c = first.bands();
        int s = first.size();
        int n = tiles.size();
        int plane = s * s;
        float[] input = new float[n * 2 * c * plane];
        long[] target = new long[n * plane];
        float[] weight = new float[n * plane];
        Arrays.fill(weight, 1f);
        for (int i = 0; i < n; i++) {
            TileSample parent = tiles.get(i);
            if (parent.bands() != c || parent.size() != s) {
                throw new IllegalArgumentException("tiles of one batch must share bands and size: " + c + "x" + s + "x"
                        + s + " vs " + parent.bands() + "x" + parent.size() + "x" + parent.size());
            }
            SopCrop crop = SopCrop.draw(s, options.minCropFraction(), options.maxCropFraction(), rnd);
            TileSample source = parent;
            if (n > 1 && rnd.nextDouble() < options.negativeProbability()) {
                int other = rnd.nextInt(n - 1);
                source = tiles.get(other >= i ? other + 1 : other);
            } else {
                crop.maskInto(target, i * plane);
            }
            int quarterTurns = rnd.nextDouble() < options.rotateProbability() ? 1 + rnd.nextInt(3) : 0;
            int base = i * 2 * c * plane;
            System.arraycopy(parent.pixels(), 0, input, base, c * plane);
            writeCrop(source, crop, quarterTurns, rnd, input, base + c * plane);
        }
        return Optional.of(new PretextBatch(input, n, 2 * c, s, target, weight));
    }

    /**
     * The crop of {@code source}, resized to the tile (nearest neighbour), turned by {@code quarterTurns} x 90 degrees
     * and colour-jittered band by band, into {@code dst} at {@code offset} (bands x size x size).
     */
    void writeCrop(TileSample source, SopCrop crop, int quarterTurns, Random rnd, float[] dst, int offset) {
        int s = source.size();
        int plane = s * s;
        for (int b = 0; b < source.bands(); b++) {
            float contrast = (float) (1 + options.contrastJitter() * (2 * rnd.nextDouble() - 1));
            float brightness = (float) (options.brightnessJitter() * (2 * rnd.nextDouble() - 1));
            int from = b * plane;
            int to = offset + b * plane;
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    // (i, j) of the turned image shows (r, q) of the unturned one
                    int r;
                    int q;
                    switch (quarterTurns) {
                        case 1 -> { r = j; q = s - 1 - i; }
                        case 2 -> { r = s - 1 - i; q = s - 1 - j; }
                        case 3 -> { r = s - 1 - j; q = i; }
                        default -> { r = i; q = j; }
                    }
                    float v = source.pixels()[from + crop.sourceRow(r) * s + crop.sourceCol(q)];
                    dst[to + i * s + j] = v * contrast + brightness;
                }
            }
        }
    }

    @Override
    public NDArray loss(NDArray logits, NDArray target, NDArray weight) {
        return switch (options.loss()) {
            case BCE -> SegmentationLosses.crossEntropy(logits, target, weight);
            case DICE -> SegmentationLosses.dice(logits, target, weight);
            case BCE_DICE -> SegmentationLosses.crossEntropy(logits, target, weight)
                    .add(SegmentationLosses.dice(logits, target, weight));
        };
    }
}
