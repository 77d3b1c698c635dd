package io.satstream.inference;

import java.util.Objects;

/**
 * Segmentation metrics from a confusion matrix: mean IoU and pixel accuracy. Truth label {@value #IGNORE} is ignored;
 * a class absent from both prediction and truth does not count towards the mean.
 */
public final class Evaluation {

    public static final int IGNORE = 255;

    private final int numClasses;
    private final long[] confusion; // [truth * numClasses + predicted]

    public Evaluation(int numClasses) {
        if (numClasses < 1 || numClasses > 255) {
            throw new IllegalArgumentException("numClasses must be in 1..255 (255 is the ignore label): " + numClasses);
        }
        this.numClasses = numClasses;
        this.confusion = new long[numClasses * numClasses];
    }

    /** mIoU of a single prediction against its truth. */
    public static double miou(byte[] predicted, byte[] truth, int numClasses) {
        Evaluation e = new Evaluation(numClasses);
        e.add(predicted, truth);
        return e.miou();
    }

    /** Adds one image: predicted and truth class per pixel (unsigned bytes, same length). */
    public void add(byte[] predicted, byte[] truth) {
        Objects.requireNonNull(predicted, "predicted");
        Objects.requireNonNull(truth, "truth");
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("predicted has " + predicted.length + " pixels but truth has "
                    + truth.length);
        }
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i] & 0xFF;
            if (t == IGNORE) {
                continue;
            }
            int p = predicted[i] & 0xFF;
            if (t >= numClasses || p >= numClasses) {
                throw new IllegalArgumentException("pixel " + i + ": class out of range 0.." + (numClasses - 1)
                        + " (truth " + t + ", predicted " + p + ")");
            }
            confusion[t * numClasses + p]++;
        }
    }

    public int numClasses() {
        return numClasses;
    }

    /** Pixels counted (ignored ones excluded). */
    public long pixels() {
        long n = 0;
        for (long c : confusion) {
            n += c;
        }
        return n;
    }

    /**
     * The confusion matrix counted so far, a copy: {@code [truth][predicted]} pixels, ignored pixels left out. Rows
     * sum to each class's truth pixels, columns to its predicted pixels.
     */
    public long[][] confusionMatrix() {
        long[][] m = new long[numClasses][numClasses];
        for (int t = 0; t < numClasses; t++) {
            System.arraycopy(confusion, t * numClasses, m[t], 0, numClasses);
        }
        return m;
    }

    /** IoU per class; NaN for a class that appears neither in the truth nor in the prediction. */
    public double[] iouPerClass() {
        double[] iou = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long tp = confusion[c * numClasses + c];
            long truthC = 0;
            long predC = 0;
            for (int k = 0; k < numClasses; k++) {
                truthC += confusion[c * numClasses + k];
                predC += confusion[k * numClasses + c];
            }
            long union = truthC + predC - tp;
            iou[c] = union == 0 ? Double.NaN : (double) tp / union;
        }
        return iou;
    }

    /** Mean IoU over classes present in truth or prediction; NaN when nothing was counted. */
    public double miou() {
        double sum = 0;
        int n = 0;
        for (double v : iouPerClass()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Fraction of counted pixels predicted correctly; NaN when nothing was counted. */
    public double pixelAccuracy() {
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += confusion[c * numClasses + c];
        }
        long total = pixels();
        return total == 0 ? Double.NaN : (double) correct / total;
    }
}
