package io.satstream.training.internal;

import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.inference.SampleType;
import io.satstream.training.LabeledSample;
import java.util.Random;

/**
 * Cuts square crops out of labelled samples into a normalised NCHW batch plus per-pixel class indices and a validity
 * mask (0 where the label is the ignore value).
 */
public final class CropSampler {

    private final InputSpec spec;
    private final int numClasses;
    private final int crop;
    private final byte[] planarCrop;

    public CropSampler(InputSpec spec, int numClasses, int crop) {
        this.spec = spec;
        this.numClasses = numClasses;
        this.crop = crop;
        this.planarCrop = new byte[spec.channels() * crop * crop];
    }

    /** Writes crop {@code slot} of a batch: {@code x} gets C*crop*crop floats, {@code labels}/{@code valid} crop*crop. */
    public void fill(LabeledSample sample, int x0, int y0, int slot, float[] x, long[] labels, float[] valid) {
        check(sample);
        if (x0 < 0 || y0 < 0 || x0 + crop > sample.width() || y0 + crop > sample.height()) {
            throw new IllegalArgumentException("crop at (" + x0 + "," + y0 + ") of size " + crop
                    + " does not fit a " + sample.width() + "x" + sample.height() + " sample");
        }
        int w = sample.width();
        int plane = w * sample.height();
        int c = spec.channels();
        for (int b = 0; b < c; b++) {
            for (int row = 0; row < crop; row++) {
                System.arraycopy(sample.planarUint8(), b * plane + (y0 + row) * w + x0,
                        planarCrop, (b * crop + row) * crop, crop);
            }
        }
        int pixels = crop * crop;
        spec.normalizeInto(planarCrop, SampleType.UINT8, pixels, x, slot * c * pixels);
        byte[] src = sample.labels();
        int out = slot * pixels;
        for (int row = 0; row < crop; row++) {
            int in = (y0 + row) * w + x0;
            for (int col = 0; col < crop; col++) {
                int label = src[in + col] & 0xFF;
                if (label == Evaluation.IGNORE) {
                    labels[out] = 0;
                    valid[out] = 0f;
                } else if (label >= numClasses) {
                    throw new IllegalArgumentException("label " + label + " at (" + (x0 + col) + "," + (y0 + row)
                            + ") is out of range for " + numClasses + " classes (255 = ignore)");
                } else {
                    labels[out] = label;
                    valid[out] = 1f;
                }
                out++;
            }
        }
    }

    /** A random crop position inside {@code sample}. */
    public void fillRandom(LabeledSample sample, Random rnd, int slot, float[] x, long[] labels, float[] valid) {
        check(sample);
        int x0 = rnd.nextInt(sample.width() - crop + 1);
        int y0 = rnd.nextInt(sample.height() - crop + 1);
        fill(sample, x0, y0, slot, x, labels, valid);
    }

    private void check(LabeledSample sample) {
        if (sample.bands() != spec.channels()) {
            throw new IllegalArgumentException("sample has " + sample.bands() + " bands but the input spec expects "
                    + spec.channels() + " " + spec.bands());
        }
        if (sample.width() < crop || sample.height() < crop) {
            throw new IllegalArgumentException("sample of " + sample.width() + "x" + sample.height()
                    + " is smaller than the " + crop + "x" + crop + " crop");
        }
    }
}
