package io.satstream.ingest.synthetic.internal;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Buildings: rectangles of 7-26 px, mostly lined up along roads and turned with them, on dry land and
 * never touching a road or each other. Roofs come in varied colours, gabled (a lit and a shaded half
 * with a ridge) or flat, with darker eaves; every building casts a shadow away from the scene's sun.
 */
public final class BuildingPainter {
    private static final float[][] ROOFS = {
        {168, 82, 62}, {72, 74, 80}, {172, 172, 166}, {214, 214, 208}, {108, 124, 140}, {122, 92, 72},
        {150, 60, 50}, {92, 104, 96}, {190, 150, 120},
    };

    private BuildingPainter() {}

    public static void paint(Canvas canvas, SplittableRandom random, List<RoadPainter.Sample> roads) {
        if (random.nextDouble() < 0.35) {
            return;
        }
        int wanted = 4 + random.nextInt(27);
        double sceneAngle = random.nextDouble() < 0.5 ? 0 : (random.nextDouble() - 0.5) * Math.PI / 2;
        double sun = random.nextDouble() * 2 * Math.PI;
        float shadowLength = 2 + random.nextInt(4);
        float shadowX = (float) Math.cos(sun) * shadowLength;
        float shadowY = (float) Math.sin(sun) * shadowLength;
        int placed = 0;
        for (int attempt = 0; attempt < wanted * 6 && placed < wanted; attempt++) {
            float a = 7 + random.nextInt(20);
            float b = 7 + random.nextInt(16);
            float cx;
            float cy;
            double angle;
            if (!roads.isEmpty() && random.nextDouble() < 0.75) {
                RoadPainter.Sample s = roads.get(random.nextInt(roads.size()));
                float side = random.nextBoolean() ? 1 : -1;
                float offset = s.halfWidth() + 3 + random.nextInt(5) + b / 2;
                cx = s.x() + s.normalX() * side * offset;
                cy = s.y() + s.normalY() * side * offset;
                angle = Math.atan2(s.normalX(), -s.normalY()); // along the road
            } else {
                cx = (float) (random.nextDouble() * canvas.width);
                cy = (float) (random.nextDouble() * canvas.height);
                angle = sceneAngle;
            }
            Footprint footprint = new Footprint(cx, cy, a / 2, b / 2, (float) Math.cos(angle), (float) Math.sin(angle));
            if (fits(canvas, footprint)) {
                draw(canvas, random, footprint, shadowX, shadowY);
                placed++;
            }
        }
    }

    /** A rotated rectangle: centre, half sizes along its own axes, and the rotation's cosine and sine. */
    private record Footprint(float cx, float cy, float halfA, float halfB, float cos, float sin) {
        /** Local coordinates of a pixel centre: [along, across]. */
        float[] local(float x, float y) {
            float dx = x - cx;
            float dy = y - cy;
            return new float[] {dx * cos + dy * sin, -dx * sin + dy * cos};
        }

        boolean contains(float x, float y, float margin) {
            float[] uv = local(x, y);
            return Math.abs(uv[0]) <= halfA + margin && Math.abs(uv[1]) <= halfB + margin;
        }

        int reach() {
            return (int) Math.ceil(Math.hypot(halfA, halfB)) + 8;
        }
    }

    private static boolean fits(Canvas canvas, Footprint f) {
        int r = f.reach();
        for (int y = (int) f.cy() - r; y <= (int) f.cy() + r; y++) {
            for (int x = (int) f.cx() - r; x <= (int) f.cx() + r; x++) {
                boolean core = f.contains(x + 0.5f, y + 0.5f, 0);
                boolean ring = f.contains(x + 0.5f, y + 0.5f, 2);
                if (!ring) {
                    continue;
                }
                if (!canvas.inside(x, y)) {
                    if (core) {
                        return false; // whole buildings only, so every building pixel is visibly one
                    }
                    continue;
                }
                int label = canvas.labels[y * canvas.width + x];
                if (label == SceneClasses.ROAD || label == SceneClasses.BUILDING
                        || (core && label == SceneClasses.WATER)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void draw(Canvas canvas, SplittableRandom random, Footprint f, float shadowX, float shadowY) {
        float[] roof = ROOFS[random.nextInt(ROOFS.length)];
        float jr = (float) (random.nextDouble() - 0.5) * 20;
        float jg = (float) (random.nextDouble() - 0.5) * 20;
        float jb = (float) (random.nextDouble() - 0.5) * 20;
        boolean gabled = random.nextDouble() < 0.6;
        boolean ridgeAlongA = f.halfA() >= f.halfB();
        int r = f.reach() + 6;
        int w = canvas.width;
        // shadow first: ground pixels whose sun-ward neighbour is inside the building
        for (int y = (int) f.cy() - r; y <= (int) f.cy() + r; y++) {
            for (int x = (int) f.cx() - r; x <= (int) f.cx() + r; x++) {
                if (!canvas.inside(x, y) || f.contains(x + 0.5f, y + 0.5f, 0)) {
                    continue;
                }
                if (f.contains(x + 0.5f - shadowX, y + 0.5f - shadowY, 0)) {
                    canvas.darken(y * w + x, 0.5f);
                }
            }
        }
        for (int y = (int) f.cy() - r; y <= (int) f.cy() + r; y++) {
            for (int x = (int) f.cx() - r; x <= (int) f.cx() + r; x++) {
                if (!canvas.inside(x, y) || !f.contains(x + 0.5f, y + 0.5f, 0)) {
                    continue;
                }
                float[] uv = f.local(x + 0.5f, y + 0.5f);
                float shade = 1f;
                if (gabled) {
                    float across = ridgeAlongA ? uv[1] : uv[0];
                    shade = Math.abs(across) < 0.7f ? 1.15f : across > 0 ? 1.05f : 0.82f;
                }
                if (Math.abs(uv[0]) > f.halfA() - 1 || Math.abs(uv[1]) > f.halfB() - 1) {
                    shade *= 0.8f;
                }
                float noise = (float) (random.nextDouble() - 0.5) * 8;
                canvas.paint(y * w + x, (roof[0] + jr) * shade + noise, (roof[1] + jg) * shade + noise,
                        (roof[2] + jb) * shade + noise, SceneClasses.BUILDING);
            }
        }
    }
}
