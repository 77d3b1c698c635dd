package io.satstream.ingest.synthetic.internal;

import java.util.SplittableRandom;

/**
 * The ground: an elevation field floods the low parts (water, darker where deeper), a moisture field
 * splits the land into vegetation and bare soil. Colours mix across class borders over a few pixels and
 * carry texture (tree crowns, soil grain, ripples), so no class is one flat colour.
 */
public final class TerrainPainter {
    private TerrainPainter() {}

    public static void paint(Canvas canvas, SplittableRandom random) {
        int w = canvas.width;
        int h = canvas.height;
        float[] elevation = ValueNoise.fractal(random, w, h, 128, 4, 0.5f);
        float[] moisture = ValueNoise.fractal(random, w, h, 96, 4, 0.55f);
        float[] crowns = ValueNoise.fractal(random, w, h, 4, 2, 0.6f);
        float[] grain = ValueNoise.fractal(random, w, h, 16, 3, 0.6f);

        double waterFraction = random.nextDouble() < 0.45 ? 0.0 : 0.06 + 0.29 * random.nextDouble();
        double vegetationFraction = 0.15 + 0.7 * random.nextDouble();
        float waterLevel = waterFraction == 0.0 ? Float.NEGATIVE_INFINITY : ValueNoise.quantile(elevation, waterFraction);
        float vegetationLevel = ValueNoise.quantile(moisture, 1 - vegetationFraction);

        float[] deepWater = jitter(random, 22, 48, 68, 8);
        float[] shallowWater = jitter(random, 60, 100, 104, 10);
        float[] darkGreen = jitter(random, 38, 66, 34, 8);
        float[] lightGreen = jitter(random, 100, 126, 62, 12);
        float[] lightSoil = jitter(random, 196, 174, 138, 12);
        float[] darkSoil = jitter(random, 146, 118, 88, 12);

        for (int i = 0; i < w * h; i++) {
            float e = elevation[i];
            if (e < waterLevel) {
                float depth = Math.min(1f, (waterLevel - e) / 0.08f);
                float ripple = (grain[i] - 0.5f) * 8f;
                canvas.paint(i, lerp(shallowWater[0], deepWater[0], depth) + ripple,
                        lerp(shallowWater[1], deepWater[1], depth) + ripple,
                        lerp(shallowWater[2], deepWater[2], depth) + ripple, SceneClasses.WATER);
                continue;
            }
            float m = moisture[i];
            float crown = crowns[i];
            float vr = lerp(lightGreen[0], darkGreen[0], crown);
            float vg = lerp(lightGreen[1], darkGreen[1], crown);
            float vb = lerp(lightGreen[2], darkGreen[2], crown);
            float soil = grain[i];
            float sr = lerp(lightSoil[0], darkSoil[0], soil);
            float sg = lerp(lightSoil[1], darkSoil[1], soil);
            float sb = lerp(lightSoil[2], darkSoil[2], soil);
            float t = smoothstep(vegetationLevel - 0.025f, vegetationLevel + 0.025f, m);
            int label = m > vegetationLevel ? SceneClasses.VEGETATION : SceneClasses.BARE_SOIL;
            canvas.paint(i, lerp(sr, vr, t), lerp(sg, vg, t), lerp(sb, vb, t), label);
        }
    }

    static float[] jitter(SplittableRandom random, float r, float g, float b, float spread) {
        return new float[] {
            r + (float) (random.nextDouble() * 2 - 1) * spread,
            g + (float) (random.nextDouble() * 2 - 1) * spread,
            b + (float) (random.nextDouble() * 2 - 1) * spread,
        };
    }

    static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }

    static float smoothstep(float edge0, float edge1, float x) {
        float t = Math.max(0f, Math.min(1f, (x - edge0) / (edge1 - edge0)));
        return t * t * (3 - 2 * t);
    }
}
