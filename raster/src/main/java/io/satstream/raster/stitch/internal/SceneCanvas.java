package io.satstream.raster.stitch.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.satstream.raster.WebMercator;
import io.satstream.raster.stitch.StitchedScene;
import io.satstream.raster.stitch.TileMask;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.TilePlacement;

/**
 * The mask of one scene being assembled: a uint8 class plane and a 16-bit weight plane, 3 bytes a pixel.
 *
 * <p>Blending: a pixel covered by several tiles takes its class from the tile in which it lies farthest
 * from a tile edge. Only edges inside the scene count — an edge on the scene border is not a seam, the
 * whole-scene model sees that border too. With an overlap of {@code o} pixels every pixel is then taken from
 * a tile where it is at least {@code floor(o/2)} pixels from any inner edge, so a translation-equivariant
 * model whose receptive field reaches no further gives the same class as whole-scene inference.
 *
 * <p>A tile pixel that is {@link MaskValues#NO_DATA} casts no vote: the pixel takes its class from the
 * best-placed tile that has data there, however close to an edge, and stays no-data only when no covering
 * tile has data. It still counts as covered, so a scene whose nodata collar no tile has data for completes.
 *
 * <p>Weight = ((distance + 1) << 2) | key, where the 2-bit key comes from the tile's row and column parity:
 * tiles that can overlap differ in row or column by one, so their keys differ and a tie in distance is
 * decided the same way whatever order the tiles arrive in. Weight 1 marks a pixel covered
 * only by no-data, below every vote; 0 marks one not covered yet. The same tile again (a re-delivery) ties
 * with itself and replaces its earlier mask, except where the new mask has no data.
 */
public final class SceneCanvas {
    private static final int MAX_DISTANCE = 8190;
    private static final short NO_VOTE = 1;
    private static final byte NO_DATA = (byte) MaskValues.NO_DATA;

    private final String sceneId;
    private final int width;
    private final int height;
    private final List<String> classNames;
    private final byte[] mask;
    private final short[] weights;
    private long covered;
    private int tiles;
    private Integer epsg;
    private List<Double> sceneTransform;
    private boolean georeferenced;

    public SceneCanvas(String sceneId, int width, int height, List<String> classNames) {
        this.sceneId = sceneId;
        this.width = width;
        this.height = height;
        this.classNames = List.copyOf(classNames);
        int pixels = Math.multiplyExact(width, height);
        this.mask = new byte[pixels];
        this.weights = new short[pixels];
    }

    /** @throws IllegalArgumentException when the tile does not belong to this scene as it is (nothing changes) */
    public void add(TileMask tile) {
        TilePlacement p = tile.placement();
        check(p.getSceneWidth() == width && p.getSceneHeight() == height, tile, "its scene size "
                + p.getSceneWidth() + "x" + p.getSceneHeight() + " differs from the scene's " + width + "x" + height);
        check(tile.classNames().equals(classNames), tile,
                "its classes " + tile.classNames() + " differ from the scene's " + classNames);
        int xo = p.getXOffset();
        int yo = p.getYOffset();
        check(xo >= 0 && yo >= 0 && xo < width && yo < height, tile,
                "its offset (" + xo + ", " + yo + ") is outside the scene");
        acceptGeoref(tile, xo, yo);

        int tw = tile.width();
        int th = tile.height();
        // Pixels past the scene edge are padding: dropped.
        int wIn = Math.min(tw, width - xo);
        int hIn = Math.min(th, height - yo);
        boolean innerLeft = xo > 0;
        boolean innerRight = xo + tw < width;
        boolean innerTop = yo > 0;
        boolean innerBottom = yo + th < height;
        int key = 3 - (((p.getRow() & 1) << 1) | (p.getCol() & 1));
        byte[] src = tile.mask();
        for (int ty = 0; ty < hIn; ty++) {
            int dy = Math.min(innerTop ? ty : MAX_DISTANCE, innerBottom ? th - 1 - ty : MAX_DISTANCE);
            int row = (yo + ty) * width + xo;
            for (int tx = 0; tx < wIn; tx++) {
                int i = row + tx;
                byte value = src[ty * tw + tx];
                if (value == NO_DATA) {
                    if (weights[i] == 0) {
                        covered++;
                        weights[i] = NO_VOTE; // its mask value is set by finish()
                    }
                    continue;
                }
                int dx = Math.min(innerLeft ? tx : MAX_DISTANCE, innerRight ? tw - 1 - tx : MAX_DISTANCE);
                int d = Math.min(MAX_DISTANCE, Math.min(dx, dy));
                short weight = (short) (((d + 1) << 2) | key);
                if (weight >= weights[i]) {
                    if (weights[i] == 0) {
                        covered++;
                    }
                    weights[i] = weight;
                    mask[i] = value;
                }
            }
        }
        tiles++;
    }

    /** True until a tile was added. */
    public boolean isEmpty() {
        return tiles == 0;
    }

    public boolean complete() {
        return covered == (long) width * height;
    }

    public long pixels() {
        return (long) width * height;
    }

    /** The scene as it stands; uncovered pixels become no-data. The canvas is spent afterwards. */
    public StitchedScene finish() {
        long uncovered = pixels() - covered;
        long noData = 0;
        for (int i = 0; i < mask.length; i++) {
            if (weights[i] <= NO_VOTE) {
                mask[i] = NO_DATA;
                noData++;
            }
        }
        GeoReference georef = georeferenced ? GeoReference.newBuilder().setEpsg(epsg)
                .setGeoTransform(new ArrayList<>(sceneTransform)).setXyz(null).build() : null;
        return new StitchedScene(sceneId, width, height, mask, classNames, georef, tiles, uncovered, noData);
    }

    /**
     * The scene origin is the tile origin shifted back by the tile offset. The tile at offset (0, 0) gives it
     * exactly (no arithmetic); other tiles give it to rounding, so they must agree with it to 1e-6 pixel.
     */
    private void acceptGeoref(TileMask tile, int xo, int yo) {
        GeoReference g = tile.georef();
        List<Double> t = null;
        Integer code = null;
        if (g != null && g.getGeoTransform() != null && g.getGeoTransform().size() == 6) {
            t = g.getGeoTransform();
            code = g.getEpsg();
        } else if (g != null && g.getXyz() != null) {
            t = WebMercator.geoTransform(g.getXyz(), tile.width(), tile.height());
            code = WebMercator.EPSG;
        }
        boolean has = t != null;
        if (tiles == 0) {
            georeferenced = has;
        } else {
            check(has == georeferenced, tile, has ? "it is georeferenced but the scene's other tiles are not"
                    : "it is not georeferenced but the scene's other tiles are");
        }
        if (!has) {
            return;
        }
        List<Double> shifted = List.of(t.get(0) - xo * t.get(1) - yo * t.get(2), t.get(1), t.get(2),
                t.get(3) - xo * t.get(4) - yo * t.get(5), t.get(4), t.get(5));
        if (tiles > 0) {
            check(Objects.equals(code, epsg), tile, "its CRS EPSG:" + code + " differs from the scene's EPSG:" + epsg);
            double tolerance = 1e-6 * Math.max(Math.hypot(t.get(1), t.get(4)), Math.hypot(t.get(2), t.get(5)));
            for (int k = 0; k < 6; k++) {
                boolean agrees = (k == 0 || k == 3) ? Math.abs(shifted.get(k) - sceneTransform.get(k)) <= tolerance
                        : shifted.get(k).equals(sceneTransform.get(k));
                check(agrees, tile, "its geotransform " + t + " at offset (" + xo + ", " + yo
                        + ") does not line up with the scene's " + sceneTransform);
            }
        }
        epsg = code;
        if (xo == 0 && yo == 0) {
            sceneTransform = List.copyOf(t);
        } else if (tiles == 0) {
            sceneTransform = shifted;
        }
    }

    private void check(boolean ok, TileMask tile, String why) {
        if (!ok) {
            throw new IllegalArgumentException("tile " + tile.tileId() + " cannot join scene " + sceneId + ": " + why);
        }
    }
}
