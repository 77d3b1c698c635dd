package io.satstream.training.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The reference the engine is judged by must itself be right: each backward equals central finite differences of
 * its own forward (in double precision, on small random problems), and a few forward values are checked by hand.
 */
class ReferenceKernelsTest {

    private static final double H = 1e-3;

    @Test
    void convolutionForwardByHand() {
        // 1x1x2x2 input, one 3x3 kernel of ones, padding 1: every output sums the whole input.
        float[] x = {1, 2, 3, 4};
        float[] w = new float[9];
        java.util.Arrays.fill(w, 1f);
        assertThat(ReferenceKernels.conv2d(x, w, new float[] {0.5f}, 1, 1, 1, 2, 2, 3, 1))
                .containsExactly(10.5, 10.5, 10.5, 10.5);
        // Without padding a 1x1 kernel scales.
        assertThat(ReferenceKernels.conv2d(x, new float[] {2}, null, 1, 1, 1, 2, 2, 1, 0))
                .containsExactly(2, 4, 6, 8);
    }

    @Test
    void convolutionGradientsMatchFiniteDifferences() {
        int n = 2, ci = 3, co = 2, h = 4, w = 5, k = 3, pad = 1;
        Random rnd = new Random(1);
        float[] x = gaussian(rnd, n * ci * h * w);
        float[] wt = gaussian(rnd, co * ci * k * k);
        float[] b = gaussian(rnd, co);
        float[] dy = gaussian(rnd, n * co * h * w);
        double[][] g = ReferenceKernels.conv2dBackward(x, wt, dy, n, ci, co, h, w, k, pad);
        assertMatchesFiniteDifferences(x, g[0], v -> ReferenceKernels.conv2d(v, wt, b, n, ci, co, h, w, k, pad), dy);
        assertMatchesFiniteDifferences(wt, g[1], v -> ReferenceKernels.conv2d(x, v, b, n, ci, co, h, w, k, pad), dy);
        assertMatchesFiniteDifferences(b, g[2], v -> ReferenceKernels.conv2d(x, wt, v, n, ci, co, h, w, k, pad), dy);
    }

    @Test
    void transposedConvolutionGradientsMatchFiniteDifferences() {
        int n = 2, ci = 3, co = 2, h = 3, w = 2;
        Random rnd = new Random(2);
        float[] x = gaussian(rnd, n * ci * h * w);
        float[] wt = gaussian(rnd, ci * co * 4);
        float[] b = gaussian(rnd, co);
        float[] dy = gaussian(rnd, n * co * 4 * h * w);
        double[][] g = ReferenceKernels.convTranspose2x2Backward(x, wt, dy, n, ci, co, h, w);
        assertMatchesFiniteDifferences(x, g[0], v -> ReferenceKernels.convTranspose2x2(v, wt, b, n, ci, co, h, w), dy);
        assertMatchesFiniteDifferences(wt, g[1], v -> ReferenceKernels.convTranspose2x2(x, v, b, n, ci, co, h, w), dy);
        assertMatchesFiniteDifferences(b, g[2], v -> ReferenceKernels.convTranspose2x2(x, wt, v, n, ci, co, h, w), dy);
    }

    @Test
    void transposedConvolutionPlacesEachTapByHand() {
        // One input pixel of value 2, one channel in and out: the 2x2 output is 2 * kernel + bias.
        double[] y = ReferenceKernels.convTranspose2x2(new float[] {2}, new float[] {1, 2, 3, 4}, new float[] {1},
                1, 1, 1, 1, 1);
        assertThat(y).containsExactly(3, 5, 7, 9);
    }

    @Test
    void batchNormGradientsMatchFiniteDifferences() {
        int n = 2, c = 3, hw = 6;
        double eps = 1e-5;
        Random rnd = new Random(3);
        float[] x = gaussian(rnd, n * c * hw);
        float[] gamma = gaussian(rnd, c);
        float[] beta = gaussian(rnd, c);
        float[] dy = gaussian(rnd, n * c * hw);
        double[][] g = ReferenceKernels.batchNormBackward(x, gamma, dy, n, c, hw, eps);
        assertMatchesFiniteDifferences(x, g[0], v -> ReferenceKernels.batchNorm(v, gamma, beta, n, c, hw, eps), dy);
        assertMatchesFiniteDifferences(gamma, g[1], v -> ReferenceKernels.batchNorm(x, v, beta, n, c, hw, eps), dy);
        assertMatchesFiniteDifferences(beta, g[2], v -> ReferenceKernels.batchNorm(x, gamma, v, n, c, hw, eps), dy);
    }

    @Test
    void batchNormOutputHasTheAffineMomentsPerChannel() {
        int n = 3, c = 2, hw = 10;
        float[] x = gaussian(new Random(4), n * c * hw);
        double[] y = ReferenceKernels.batchNorm(x, new float[] {2, 0.5f}, new float[] {1, -1}, n, c, hw, 0);
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            double sq = 0;
            for (int b = 0; b < n; b++) {
                for (int p = 0; p < hw; p++) {
                    double v = y[(b * c + ch) * hw + p];
                    sum += v;
                    sq += v * v;
                }
            }
            double mean = sum / (n * hw);
            double var = sq / (n * hw) - mean * mean;
            assertThat(mean).isCloseTo(ch == 0 ? 1 : -1, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(var).isCloseTo(ch == 0 ? 4 : 0.25, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void matMulGradientsMatchFiniteDifferences() {
        int m = 3, k = 4, n = 2;
        Random rnd = new Random(5);
        float[] a = gaussian(rnd, m * k);
        float[] b = gaussian(rnd, k * n);
        float[] dy = gaussian(rnd, m * n);
        double[][] g = ReferenceKernels.matMulBackward(a, b, dy, m, k, n);
        assertMatchesFiniteDifferences(a, g[0], v -> ReferenceKernels.matMul(v, b, m, k, n), dy);
        assertMatchesFiniteDifferences(b, g[1], v -> ReferenceKernels.matMul(a, v, m, k, n), dy);
        assertThat(ReferenceKernels.matMul(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}, 2, 2, 2))
                .containsExactly(19, 22, 43, 50);
    }

    /** d(sum(f(v) * dy)) / dv[i] by central differences, for every i, against {@code gradient}. */
    private static void assertMatchesFiniteDifferences(float[] v, double[] gradient, Function<float[], double[]> f,
            float[] dy) {
        assertThat(gradient).hasSameSizeAs(v);
        for (int i = 0; i < v.length; i++) {
            float saved = v[i];
            v[i] = (float) (saved + H);
            double plus = dot(f.apply(v), dy);
            v[i] = (float) (saved - H);
            double minus = dot(f.apply(v), dy);
            v[i] = saved;
            // The float perturbation is not exactly H: divide by the step actually taken.
            double step = (double) (float) (saved + H) - (double) (float) (saved - H);
            double numeric = (plus - minus) / step;
            assertThat(gradient[i]).as("gradient element %d", i)
                    .isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 * (1 + Math.abs(numeric))));
        }
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
