package io.satstream.ingest.synthetic.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Roads: gently curved (quadratic Bezier) bands of 3-7 px from one scene edge to another; asphalt with
 * darker edges and a dashed centre line when wide enough, or dirt tracks close to the soil's colour.
 * Roads cross water as bridges.
 */
public final class RoadPainter {
    /** A point on a road's centre line with its unit normal, for placing buildings along roads. */
    public record Sample(float x, float y, float normalX, float normalY, float halfWidth) {}

    private RoadPainter() {}

    public static List<Sample> paint(Canvas canvas, SplittableRandom random) {
        List<Sample> samples = new ArrayList<>();
        int roads = random.nextDouble() < 0.3 ? 0 : 1 + random.nextInt(3);
        for (int r = 0; r < roads; r++) {
            paintOne(canvas, random, samples);
        }
        return samples;
    }

    private static void paintOne(Canvas canvas, SplittableRandom random, List<Sample> samples) {
        int w = canvas.width;
        int h = canvas.height;
        int startEdge = random.nextInt(4);
        int endEdge = (startEdge + 1 + random.nextInt(3)) % 4;
        float[] p0 = pointOnEdge(random, startEdge, w, h);
        float[] p2 = pointOnEdge(random, endEdge, w, h);
        float dx = p2[0] - p0[0];
        float dy = p2[1] - p0[1];
        float length = (float) Math.hypot(dx, dy);
        float bend = (float) (random.nextDouble() - 0.5) * 0.5f * length;
        float[] p1 = {(p0[0] + p2[0]) / 2 - dy / length * bend, (p0[1] + p2[1]) / 2 + dx / length * bend};

        float halfWidth = (3 + random.nextInt(5)) / 2f;
        boolean dirt = random.nextDouble() < 0.25;
        float[] surface = dirt ? TerrainPainter.jitter(random, 168, 146, 112, 10)
                : TerrainPainter.jitter(random, 100, 101, 104, 14);
        boolean dashed = !dirt && halfWidth >= 3;

        // nearest centre-line distance and arc length per pixel, then colour each road pixel once
        int n = w * h;
        float[] distance = new float[n];
        float[] arc = new float[n];
        Arrays.fill(distance, Float.MAX_VALUE);
        int steps = Math.max(2, (int) (2.5f * (length + Math.abs(bend))));
        float travelled = 0;
        float lastX = p0[0];
        float lastY = p0[1];
        int reach = (int) Math.ceil(halfWidth) + 1;
        for (int s = 0; s <= steps; s++) {
            float t = (float) s / steps;
            float u = 1 - t;
            float x = u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0];
            float y = u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1];
            float tx = 2 * u * (p1[0] - p0[0]) + 2 * t * (p2[0] - p1[0]);
            float ty = 2 * u * (p1[1] - p0[1]) + 2 * t * (p2[1] - p1[1]);
            float tl = (float) Math.hypot(tx, ty);
            travelled += (float) Math.hypot(x - lastX, y - lastY);
            lastX = x;
            lastY = y;
            if (s % 4 == 0 && canvas.inside((int) x, (int) y)) {
                samples.add(new Sample(x, y, -ty / tl, tx / tl, halfWidth));
            }
            int cx = (int) Math.floor(x);
            int cy = (int) Math.floor(y);
            for (int py = cy - reach; py <= cy + reach; py++) {
                for (int px = cx - reach; px <= cx + reach; px++) {
                    if (!canvas.inside(px, py)) {
                        continue;
                    }
                    float d = (float) Math.hypot(px + 0.5f - x, py + 0.5f - y);
                    int i = py * w + px;
                    if (d < distance[i]) {
                        distance[i] = d;
                        arc[i] = travelled;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float d = distance[i];
            if (d > halfWidth) {
                continue;
            }
            float shade = d > halfWidth - 1f ? 0.82f : 1f;
            float noise = (float) (random.nextDouble() - 0.5) * 10f;
            canvas.paint(i, surface[0] * shade + noise, surface[1] * shade + noise, surface[2] * shade + noise,
                    SceneClasses.ROAD);
            if (dashed && d < 0.6f && (arc[i] % 12f) < 6f) {
                canvas.blend(i, 225, 225, 215, 0.85f);
            }
        }
    }

    private static float[] pointOnEdge(SplittableRandom random, int edge, int w, int h) {
        float along = (float) (0.1 + 0.8 * random.nextDouble());
        return switch (edge) {
            case 0 -> new float[] {along * w, 0};
            case 1 -> new float[] {w - 0.01f, along * h};
            case 2 -> new float[] {along * w, h - 0.01f};
            default -> new float[] {0, along * h};
        };
    }
}
