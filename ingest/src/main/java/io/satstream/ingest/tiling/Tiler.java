package io.satstream.ingest.tiling;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

import io.satstream.ingest.tiling.internal.GeoShift;
import io.satstream.ingest.tiling.internal.WindowCopy;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.Tile;
import io.satstream.schemas.TilePlacement;

/**
 * Cuts a scene into square tiles of {@link TilerSettings#tileSize()} pixels that overlap their neighbours by
 * {@link TilerSettings#overlap()} pixels, on a regular grid: tile {@code (row, col)} starts at pixel
 * {@code (col * stride, row * stride)}, and there are just enough rows and columns to cover the scene. The
 * last row and column therefore stick out past the scene's right and bottom edges, and that part is
 * padding; a scene smaller than one tile becomes one padded tile. A regular grid keeps the overlap the
 * same everywhere, which is what stitching relies on.
 *
 * <p>Tile ids are {@code <sceneId>/r<row>c<col>}, row and column zero-padded to 3 digits: the same scene
 * always gives the same ids, so consumers can deduplicate.
 *
 * <p><b>Padding.</b> Pixels outside the scene are filled with the scene's nodata value (the tile then
 * carries that nodata). When the scene has no nodata, padding is 0 and the tile's nodata stays null: we do
 * not declare 0 to be nodata, since 0 may be real data in the scene. Either way the padded region is
 * known exactly from the tile's {@link TilePlacement} (pixels at or beyond {@code sceneWidth - xOffset},
 * {@code sceneHeight - yOffset}) and from the attributes {@value #VALID_WIDTH} / {@value #VALID_HEIGHT},
 * so no consumer has to guess which pixels are data. A scene with an internal mask passes its window of the
 * mask on as {@link Tile#getValidMask()}, padding marked 0 (no data).
 *
 * <p><b>Georeferencing.</b> Each tile keeps the scene's EPSG code; its geotransform is the scene's with the
 * origin moved to the window's top-left pixel (rotation terms kept). A scene known only by its XYZ address
 * is first given its Web Mercator geotransform. A scene without georeferencing gives tiles without it.
 *
 * <p>Thread-safe; {@link #tiles} builds each tile only when asked for, so a large scene never has all of
 * its tiles in memory at once.
 */
public final class Tiler {
    /** Attribute: columns of the tile that lie inside the scene. */
    public static final String VALID_WIDTH = "tile:valid_width";
    /** Attribute: rows of the tile that lie inside the scene. */
    public static final String VALID_HEIGHT = "tile:valid_height";

    private final TilerSettings settings;
    private final Clock clock;

    public Tiler(TilerSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** @param clock stamps {@code ingestedAt} */
    public Tiler(TilerSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public TilerSettings settings() {
        return settings;
    }

    /** Tiles per row (or column) needed to cover {@code length} pixels. */
    public int count(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("scene size must be positive, got " + length);
        }
        int size = settings.tileSize();
        if (length <= size) {
            return 1;
        }
        int stride = settings.stride();
        return (length - size + stride - 1) / stride + 1;
    }

    /** The windows of a scene, row-major. */
    public List<TileWindow> windows(int sceneWidth, int sceneHeight) {
        int rows = count(sceneHeight);
        int cols = count(sceneWidth);
        List<TileWindow> windows = new ArrayList<>(rows * cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                windows.add(window(r, c, sceneWidth, sceneHeight));
            }
        }
        return windows;
    }

    /** The window at grid position {@code (row, col)}. */
    public TileWindow window(int row, int col, int sceneWidth, int sceneHeight) {
        int size = settings.tileSize();
        int x = col * settings.stride();
        int y = row * settings.stride();
        if (x >= sceneWidth || y >= sceneHeight) {
            throw new IllegalArgumentException("window r" + row + "c" + col + " starts outside the "
                    + sceneWidth + "x" + sceneHeight + " scene");
        }
        return new TileWindow(row, col, x, y, size, size, Math.min(size, sceneWidth - x),
                Math.min(size, sceneHeight - y));
    }

    /** Deterministic tile id: {@code <sceneId>/r<row>c<col>}, zero-padded to 3 digits. */
    public static String tileId(String sceneId, int row, int col) {
        return String.format("%s/r%03dc%03d", sceneId, row, col);
    }

    /** The tile of {@code image} under window {@code w}. */
    public Tile tile(SceneRef scene, RasterImage image, TileWindow w) {
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(w, "window");
        if (w.xOffset() + w.validWidth() > image.width() || w.yOffset() + w.validHeight() > image.height()) {
            throw new IllegalArgumentException("window " + w + " does not fit the " + image.width() + "x"
                    + image.height() + " scene");
        }
        byte[] pixels = WindowCopy.copy(image, w);
        byte[] validMask = WindowCopy.copyValidMask(image, w);
        boolean wholeScene = !w.padded() && w.width() == image.width() && w.height() == image.height();
        Map<String, String> attributes = new LinkedHashMap<>(scene.attributes());
        attributes.put(VALID_WIDTH, Integer.toString(w.validWidth()));
        attributes.put(VALID_HEIGHT, Integer.toString(w.validHeight()));
        TilePlacement placement = TilePlacement.newBuilder()
                .setRow(w.row())
                .setCol(w.col())
                .setXOffset(w.xOffset())
                .setYOffset(w.yOffset())
                .setSceneWidth(image.width())
                .setSceneHeight(image.height())
                .setOverlap(settings.overlap())
                .build();
        return Tile.newBuilder()
                .setTileId(tileId(scene.sceneId(), w.row(), w.col()))
                .setSceneId(scene.sceneId())
                .setSource(scene.source())
                .setAcquiredAt(scene.acquiredAt())
                .setIngestedAt(clock.instant())
                .setWidth(w.width())
                .setHeight(w.height())
                .setBands(List.copyOf(image.bands()))
                .setDataType(image.dataType())
                .setPixels(ByteBuffer.wrap(pixels))
                .setNodata(image.nodata())
                .setGeoref(GeoShift.forWindow(image.georef(), image.width(), image.height(), w.xOffset(),
                        w.yOffset(), wholeScene))
                .setPlacement(placement)
                .setLabelMask(null)
                .setAttributes(new LinkedHashMap<>(attributes))
                .setValidMask(validMask == null ? null : ByteBuffer.wrap(validMask))
                .build();
    }

    /** All tiles of the scene, row-major, each built when {@link Iterator#next()} asks for it. */
    public Iterator<Tile> tiles(SceneRef scene, RasterImage image) {
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(image, "image");
        List<TileWindow> windows = windows(image.width(), image.height());
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < windows.size();
            }

            @Override
            public Tile next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return tile(scene, image, windows.get(next++));
            }
        };
    }
}
