package io.satstream.training.engine.internal;

/**
 * The training ops of the segmentation networks written out in plain Java with double accumulation: the reference
 * the engine's kernels are checked against. Layout NCHW; convolution weights OIHW, stride 1, square kernel, zero
 * padding {@code pad}; transposed 2x2 weights (in, out, 2, 2) as in ONNX. Each backward takes the gradient of a
 * scalar loss with respect to the op's output ({@code dy}) and returns the gradients of its inputs.
 */
public final class ReferenceKernels {

    private ReferenceKernels() {
    }

    /** One multiply-add of a convolution: input element, weight element, output element (flat indices). */
    @FunctionalInterface
    private interface Tap {
        void at(int x, int weight, int y);
    }

    /** Every tap of a stride-1 convolution with zero padding {@code pad}, skipping those that read padding. */
    private static void forEachConvTap(int n, int ci, int co, int h, int w, int k, int pad, Tap tap) {
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int oy = 0; oy < h; oy++) {
                    for (int ox = 0; ox < w; ox++) {
                        int yi = ((b * co + o) * h + oy) * w + ox;
                        for (int i = 0; i < ci; i++) {
                            for (int ky = 0; ky < k; ky++) {
                                int iy = oy + ky - pad;
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = ox + kx - pad;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        tap.at(((b * ci + i) * h + iy) * w + ix, ((o * ci + i) * k + ky) * k + kx, yi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Every tap of a transposed convolution with kernel 2 and stride 2 (each output reads one input pixel). */
    private static void forEachTransposedTap(int n, int ci, int co, int h, int w, Tap tap) {
        int oh = 2 * h;
        int ow = 2 * w;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        int yi = ((b * co + o) * oh + yy) * ow + xx;
                        int kernelTap = ((yy & 1) << 1) | (xx & 1);
                        for (int i = 0; i < ci; i++) {
                            tap.at(((b * ci + i) * h + (yy >> 1)) * w + (xx >> 1), (i * co + o) * 4 + kernelTap, yi);
                        }
                    }
                }
            }
        }
    }

    /** Convolution output, shape (n, co, h, w); {@code bias} may be null. */
    public static double[] conv2d(float[] x, float[] weight, float[] bias, int n, int ci, int co, int h, int w, int k,
            int pad) {
        double[] y = withBias(bias, n, co, h * w);
        forEachConvTap(n, ci, co, h, w, k, pad, (xi, wi, yi) -> y[yi] += (double) x[xi] * weight[wi]);
        return y;
    }

    /** Gradients of a convolution: {dx (n,ci,h,w), dweight (co,ci,k,k), dbias (co)}. */
    public static double[][] conv2dBackward(float[] x, float[] weight, float[] dy, int n, int ci, int co, int h, int w,
            int k, int pad) {
        double[] dx = new double[n * ci * h * w];
        double[] dw = new double[co * ci * k * k];
        forEachConvTap(n, ci, co, h, w, k, pad, (xi, wi, yi) -> {
            dx[xi] += (double) dy[yi] * weight[wi];
            dw[wi] += (double) dy[yi] * x[xi];
        });
        return new double[][] {dx, dw, biasGradient(dy, n, co, h * w)};
    }

    /** Transposed convolution, kernel 2, stride 2: output (n, co, 2h, 2w). */
    public static double[] convTranspose2x2(float[] x, float[] weight, float[] bias, int n, int ci, int co, int h,
            int w) {
        double[] y = withBias(bias, n, co, 4 * h * w);
        forEachTransposedTap(n, ci, co, h, w, (xi, wi, yi) -> y[yi] += (double) x[xi] * weight[wi]);
        return y;
    }

    /** Gradients of {@link #convTranspose2x2}: {dx, dweight, dbias}. */
    public static double[][] convTranspose2x2Backward(float[] x, float[] weight, float[] dy, int n, int ci, int co,
            int h, int w) {
        double[] dx = new double[n * ci * h * w];
        double[] dw = new double[ci * co * 4];
        forEachTransposedTap(n, ci, co, h, w, (xi, wi, yi) -> {
            dx[xi] += (double) dy[yi] * weight[wi];
            dw[wi] += (double) dy[yi] * x[xi];
        });
        return new double[][] {dx, dw, biasGradient(dy, n, co, 4 * h * w)};
    }

    /** An NCHW output holding each channel's bias (zeros without one), to accumulate into. */
    private static double[] withBias(float[] bias, int n, int c, int hw) {
        double[] y = new double[n * c * hw];
        if (bias != null) {
            for (int i = 0; i < y.length; i++) {
                y[i] = bias[(i / hw) % c];
            }
        }
        return y;
    }

    /** The gradient of a per-channel bias: the output gradient summed over batch and pixels. */
    private static double[] biasGradient(float[] dy, int n, int c, int hw) {
        double[] db = new double[c];
        for (int i = 0; i < n * c * hw; i++) {
            db[(i / hw) % c] += dy[i];
        }
        return db;
    }

    /** Batch normalisation in training mode (batch statistics, biased variance) over axis 1. */
    public static double[] batchNorm(float[] x, float[] gamma, float[] beta, int n, int c, int hw, double eps) {
        double[] y = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double[] stats = channelStats(x, n, c, hw, ch);
            double inv = 1 / Math.sqrt(stats[1] + eps);
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    y[base + p] = gamma[ch] * (x[base + p] - stats[0]) * inv + beta[ch];
                }
            }
        }
        return y;
    }

    /** Gradients of {@link #batchNorm}: {dx, dgamma, dbeta}. */
    public static double[][] batchNormBackward(float[] x, float[] gamma, float[] dy, int n, int c, int hw,
            double eps) {
        double[] dx = new double[x.length];
        double[] dgamma = new double[c];
        double[] dbeta = new double[c];
        double count = (double) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double[] stats = channelStats(x, n, c, hw, ch);
            double inv = 1 / Math.sqrt(stats[1] + eps);
            double sumG = 0;
            double sumGXhat = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    double xhat = (x[base + p] - stats[0]) * inv;
                    sumG += dy[base + p];
                    sumGXhat += dy[base + p] * xhat;
                }
            }
            dgamma[ch] = sumGXhat;
            dbeta[ch] = sumG;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    double xhat = (x[base + p] - stats[0]) * inv;
                    dx[base + p] = gamma[ch] * inv / count * (count * dy[base + p] - sumG - xhat * sumGXhat);
                }
            }
        }
        return new double[][] {dx, dgamma, dbeta};
    }

    /** {mean, biased variance} of one channel. */
    private static double[] channelStats(float[] x, int n, int c, int hw, int ch) {
        double sum = 0;
        for (int b = 0; b < n; b++) {
            int base = (b * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                sum += x[base + p];
            }
        }
        double mean = sum / ((double) n * hw);
        double sq = 0;
        for (int b = 0; b < n; b++) {
            int base = (b * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                double d = x[base + p] - mean;
                sq += d * d;
            }
        }
        return new double[] {mean, sq / ((double) n * hw)};
    }

    /** {@code a (m x k) · b (k x n)}. */
    public static double[] matMul(float[] a, float[] b, int m, int k, int n) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += (double) a[i * k + t] * b[t * n + j];
                }
                y[i * n + j] = s;
            }
        }
        return y;
    }

    /** Gradients of {@link #matMul}: {da = dy · bᵀ, db = aᵀ · dy}. */
    public static double[][] matMulBackward(float[] a, float[] b, float[] dy, int m, int k, int n) {
        double[] da = new double[m * k];
        double[] db = new double[k * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double g = dy[i * n + j];
                for (int t = 0; t < k; t++) {
                    da[i * k + t] += g * b[t * n + j];
                    db[t * n + j] += g * a[i * k + t];
                }
            }
        }
        return new double[][] {da, db};
    }
}
