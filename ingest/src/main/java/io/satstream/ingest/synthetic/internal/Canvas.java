package io.satstream.ingest.synthetic.internal;

/** The scene being painted: float RGB planes (0..255, unclamped while painting) and one class label per pixel. */
public final class Canvas {
    public final int width;
    public final int height;
    public final float[] red;
    public final float[] green;
    public final float[] blue;
    public final byte[] labels;

    public Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        this.red = new float[n];
        this.green = new float[n];
        this.blue = new float[n];
        this.labels = new byte[n];
    }

    public boolean inside(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height;
    }

    public void paint(int i, float r, float g, float b, int label) {
        red[i] = r;
        green[i] = g;
        blue[i] = b;
        labels[i] = (byte) label;
    }

    /** Moves pixel {@code i} towards a colour by {@code alpha} (0 = unchanged, 1 = the colour). */
    public void blend(int i, float r, float g, float b, float alpha) {
        red[i] += (r - red[i]) * alpha;
        green[i] += (g - green[i]) * alpha;
        blue[i] += (b - blue[i]) * alpha;
    }

    public void darken(int i, float factor) {
        red[i] *= factor;
        green[i] *= factor;
        blue[i] *= factor;
    }

    /** Clamped, rounded 8-bit planes: red, then green, then blue. */
    public byte[] toPlanarRgb() {
        int n = width * height;
        byte[] out = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            out[i] = clamp(red[i]);
            out[n + i] = clamp(green[i]);
            out[2 * n + i] = clamp(blue[i]);
        }
        return out;
    }

    private static byte clamp(float v) {
        int rounded = Math.round(v);
        return (byte) (rounded < 0 ? 0 : Math.min(rounded, 255));
    }
}
