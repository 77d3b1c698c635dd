package io.satstream.ingest.synthetic.internal;

import java.util.SplittableRandom;

/**
 * Clouds in about a third of the scenes: 1-3 soft blobs with noisy edges, blended over the ground. Only
 * the thick part (opacity above {@link #LABEL_OPACITY}) is labelled cloud; the thin haze keeps the
 * ground's label, as a person annotating would. Each cloud casts a faint shadow.
 */
public final class CloudPainter {
    static final float LABEL_OPACITY = 0.55f;

    private CloudPainter() {}

    public static void paint(Canvas canvas, SplittableRandom random) {
        if (random.nextDouble() >= 0.35) {
            return;
        }
        int w = canvas.width;
        int h = canvas.height;
        float[] edges = ValueNoise.fractal(random, w, h, 32, 3, 0.55f);
        float[] opacity = new float[w * h];
        int blobs = 1 + random.nextInt(3);
        for (int b = 0; b < blobs; b++) {
            float cx = (float) (random.nextDouble() * w);
            float cy = (float) (random.nextDouble() * h);
            float radius = 30 + random.nextInt(71);
            float thickness = 0.75f + 0.25f * (float) random.nextDouble();
            int x0 = Math.max(0, (int) (cx - radius * 1.5f));
            int x1 = Math.min(w - 1, (int) (cx + radius * 1.5f));
            int y0 = Math.max(0, (int) (cy - radius * 1.5f));
            int y1 = Math.min(h - 1, (int) (cy + radius * 1.5f));
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    int i = y * w + x;
                    float d = (float) Math.hypot(x - cx, y - cy) / radius;
                    float a = 1.6f * (1 - d) + (edges[i] - 0.5f) * 1.4f;
                    a = Math.max(0f, Math.min(1f, a)) * thickness;
                    opacity[i] = Math.max(opacity[i], a);
                }
            }
        }
        int shadowX = 8 + random.nextInt(12);
        int shadowY = 8 + random.nextInt(12);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = x - shadowX;
                int sy = y - shadowY;
                if (sx >= 0 && sy >= 0) {
                    float caster = opacity[sy * w + sx];
                    if (caster > 0) {
                        canvas.darken(y * w + x, 1 - 0.3f * caster);
                    }
                }
            }
        }
        float white = 232 + random.nextInt(16);
        for (int i = 0; i < w * h; i++) {
            float a = opacity[i];
            if (a <= 0) {
                continue;
            }
            float texture = (edges[i] - 0.5f) * 14;
            canvas.blend(i, white + texture, white + 2 + texture, white + 5 + texture, a);
            if (a > LABEL_OPACITY) {
                canvas.labels[i] = SceneClasses.CLOUD;
            }
        }
    }
}
