package io.satstream.app.viewer;

import io.satstream.raster.RasterImage;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/**
 * A PNG a person can look at from any tile: the first three bands as RGB (one band as grey), each
 * stretched between its 2nd and 98th percentile so uint16 and float imagery is visible too.
 */
final class PreviewImage {
    private PreviewImage() {}

    static byte[] png(RasterImage image) {
        int w = image.width();
        int h = image.height();
        int bands = Math.min(3, image.bandCount());
        double[][] range = new double[bands][];
        for (int b = 0; b < bands; b++) {
            range[b] = stretch(image, b);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] rgb = new int[3];
                for (int c = 0; c < 3; c++) {
                    int b = bands == 1 ? 0 : Math.min(c, bands - 1);
                    double v = (image.sample(b, x, y) - range[b][0]) / (range[b][1] - range[b][0]);
                    rgb[c] = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                }
                out.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(out, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Low and high cut of band {@code b} from a sample of its pixels. */
    private static double[] stretch(RasterImage image, int b) {
        int n = image.pixelCount();
        int step = Math.max(1, n / 4096);
        int count = (n + step - 1) / step;
        double[] samples = new double[count];
        int k = 0;
        for (int i = 0; i < n && k < count; i += step) {
            samples[k++] = image.sample(b, i % image.width(), i / image.width());
        }
        java.util.Arrays.sort(samples, 0, k);
        double lo = samples[(int) (0.02 * (k - 1))];
        double hi = samples[(int) (0.98 * (k - 1))];
        if (hi <= lo) {
            hi = lo + 1;
        }
        return new double[] {lo, hi};
    }
}
