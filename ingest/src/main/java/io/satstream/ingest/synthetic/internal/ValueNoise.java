package io.satstream.ingest.synthetic.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Smooth random fields for terrain and textures: value noise (random values on a lattice, interpolated
 * with a smoothstep) summed over octaves. Cheap enough for a 256x256 scene in a millisecond or two.
 */
public final class ValueNoise {
    private ValueNoise() {}

    /**
     * Fractal noise in [0, 1] over a {@code width x height} grid.
     *
     * @param period lattice spacing of the coarsest octave, in pixels
     * @param octaves how many octaves, each with half the period and {@code persistence} times the amplitude
     */
    public static float[] fractal(SplittableRandom random, int width, int height, int period, int octaves,
            float persistence) {
        float[] sum = new float[width * height];
        float amplitude = 1f;
        float total = 0f;
        int p = Math.max(1, period);
        for (int o = 0; o < octaves; o++) {
            addOctave(random, sum, width, height, p, amplitude);
            total += amplitude;
            amplitude *= persistence;
            p = Math.max(1, p / 2);
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= total;
        }
        return sum;
    }

    /** The value below which {@code fraction} of the field lies, estimated from a regular subsample. */
    public static float quantile(float[] field, double fraction) {
        int step = Math.max(1, field.length / 4096);
        float[] sample = new float[(field.length + step - 1) / step];
        for (int i = 0, j = 0; i < field.length; i += step, j++) {
            sample[j] = field[i];
        }
        Arrays.sort(sample);
        int index = (int) Math.round(Math.max(0, Math.min(1, fraction)) * (sample.length - 1));
        return sample[index];
    }

    private static void addOctave(SplittableRandom random, float[] out, int width, int height, int period,
            float amplitude) {
        int cols = width / period + 2;
        int rows = height / period + 2;
        float[] lattice = new float[cols * rows];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = (float) random.nextDouble();
        }
        float[] weights = new float[period];
        for (int i = 0; i < period; i++) {
            float t = (float) i / period;
            weights[i] = t * t * (3 - 2 * t);
        }
        for (int y = 0; y < height; y++) {
            int gy = y / period;
            float wy = weights[y % period];
            int row0 = gy * cols;
            int row1 = row0 + cols;
            for (int x = 0; x < width; x++) {
                int gx = x / period;
                float wx = weights[x % period];
                float top = lattice[row0 + gx] + (lattice[row0 + gx + 1] - lattice[row0 + gx]) * wx;
                float bottom = lattice[row1 + gx] + (lattice[row1 + gx + 1] - lattice[row1 + gx]) * wx;
                out[y * width + x] += amplitude * (top + (bottom - top) * wy);
            }
        }
    }
}
