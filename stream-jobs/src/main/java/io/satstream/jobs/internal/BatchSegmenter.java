package io.satstream.jobs.internal;

import static io.satstream.jobs.TileRejectedException.STAGE_MODEL_INPUT;

import io.satstream.inference.InputSpec;
import io.satstream.inference.MaskDecoder;
import io.satstream.inference.MaskResult;
import io.satstream.inference.SampleType;
import io.satstream.jobs.TileRejectedException;
import io.satstream.raster.ValidPixels;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;
import io.satstream.schemas.Timings;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one batch of same-sized tiles through a {@link ServingModel}: normalise into one NCHW buffer
 * (padding each side up to the model's size multiple by edge replication), infer, crop, and turn
 * logits into {@link Segmentation}s. Pixels a tile has no data for get {@link MaskValues#NO_DATA} in its mask
 * and count in no class. Knows nothing of Flink.
 */
public final class BatchSegmenter {

    private BatchSegmenter() {}

    /**
     * Throws {@link TileRejectedException} when the tile cannot feed the model: other bands, or a sample with data
     * outside the model's input range ({@link InputSpec#firstOutOfRange}; a float tile of 3e38 fed to a model
     * trained on 8-bit imagery would otherwise come out as a confident, meaningless mask).
     *
     * @param valid the tile's pixel validity (null: every pixel has data); pixels without data are not checked
     */
    public static void checkFits(Tile tile, byte[] valid, ServingModel model) {
        List<String> want = model.spec().bands();
        List<String> have = tile.getBands();
        if (have.size() != want.size()) {
            throw new TileRejectedException(STAGE_MODEL_INPUT, "tile has " + have.size() + " band(s) " + have
                    + " but model " + model.ref() + " needs " + want.size() + " " + want);
        }
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).toLowerCase(Locale.ROOT).equals(have.get(i).toLowerCase(Locale.ROOT))) {
                throw new TileRejectedException(STAGE_MODEL_INPUT, "tile bands " + have + " do not match model "
                        + model.ref() + " input bands " + want);
            }
        }
        String outOfRange = model.spec().firstOutOfRange(bytesOf(tile.getPixels()),
                SampleType.valueOf(tile.getDataType().name()), tile.getWidth() * tile.getHeight(), valid);
        if (outOfRange != null) {
            throw new TileRejectedException(STAGE_MODEL_INPUT, tile.getDataType() + " tile does not fit model "
                    + model.ref() + ": " + outOfRange);
        }
    }

    /** Bytes of the float tensors one tile adds to a batch: its padded input and its class scores. */
    public static long tensorBytes(Tile tile, ServingModel model) {
        return tensorBytes(tile.getWidth(), tile.getHeight(), model);
    }

    /** Bytes of inference tensors (float input and class scores) for one {@code width} x {@code height} tile. */
    public static long tensorBytes(int width, int height, ServingModel model) {
        int m = model.sizeMultiple();
        long plane = (long) roundUp(width, m) * roundUp(height, m);
        return plane * (model.spec().bands().size() + model.runtime().numClasses()) * Float.BYTES;
    }

    /** Key that says whether two tiles can share a batch. */
    public static long shapeKey(Tile tile) {
        return ((long) tile.getWidth() << 32) | (tile.getHeight() & 0xFFFFFFFFL);
    }

    /**
     * Logits of one batch, with what post-processing needs to cut and describe each tile.
     *
     * @param valid per tile, its pixel validity in the tile's own (unpadded) frame, or null when all pixels have
     *     data
     */
    public record InferredBatch(ServingModel model, List<Tile> tiles, List<byte[]> valid, float[] logits,
            int paddedWidth, int paddedHeight, long inferenceMicros) {}

    /**
     * Segments tiles that all have the same width and height: {@link #infer} then {@link #postprocess}, with
     * each tile's validity taken from {@link ValidPixels#of(Tile)}.
     *
     * @param decodeMicros per tile, for the timings
     */
    public static List<Segmentation> segment(ServingModel model, List<Tile> tiles, long[] decodeMicros) {
        List<byte[]> valid = new ArrayList<>(tiles.size());
        for (Tile t : tiles) {
            valid.add(ValidPixels.of(t));
        }
        return postprocess(infer(model, tiles, valid), decodeMicros);
    }

    /**
     * Normalises the tiles into one NCHW buffer and runs the model: the part that needs the runtime.
     *
     * @param valid per tile, as from {@link ValidPixels#of(Tile)} (null entries: every pixel has data)
     */
    public static InferredBatch infer(ServingModel model, List<Tile> tiles, List<byte[]> valid) {
        int n = tiles.size();
        if (valid.size() != n) {
            throw new IllegalArgumentException("validity given for " + valid.size() + " of " + n + " tiles");
        }
        Tile first = tiles.get(0);
        int w = first.getWidth();
        int h = first.getHeight();
        int m = model.sizeMultiple();
        int pw = roundUp(w, m);
        int ph = roundUp(h, m);
        InputSpec spec = model.spec();
        int c = spec.bands().size();
        int plane = pw * ph;
        float[] input = new float[n * c * plane];
        float[] scratch = (pw != w || ph != h) ? new float[c * w * h] : null;
        for (int i = 0; i < n; i++) {
            Tile t = tiles.get(i);
            byte[] v = valid.get(i);
            if (v != null && v.length != w * h) {
                throw new IllegalArgumentException("validity of tile " + t.getTileId() + " has " + v.length
                        + " values, expected " + (w * h) + " for " + w + "x" + h);
            }
            byte[] pixels = bytesOf(t.getPixels());
            SampleType type = SampleType.valueOf(t.getDataType().name());
            if (scratch == null) {
                spec.normalizeInto(pixels, type, w * h, input, i * c * plane);
            } else {
                spec.normalizeInto(pixels, type, w * h, scratch, 0);
                padReplicate(scratch, c, w, h, input, i * c * plane, pw, ph);
            }
        }
        long t0 = System.nanoTime();
        float[] logits = model.runtime().infer(input, n, c, ph, pw);
        long inferenceMicros = (System.nanoTime() - t0) / 1_000;
        checkFinite(logits, n, tiles);
        // An ArrayList copy: the caller's list may hold nulls, which List.copyOf refuses.
        return new InferredBatch(model, tiles, new ArrayList<>(valid), logits, pw, ph, inferenceMicros);
    }

    /** Turns a batch's logits into {@link Segmentation}s: argmax, confidence, counts, georeference, timings. */
    public static List<Segmentation> postprocess(InferredBatch batch, long[] decodeMicros) {
        ServingModel model = batch.model();
        List<Tile> tiles = batch.tiles();
        int n = tiles.size();
        int w = tiles.get(0).getWidth();
        int h = tiles.get(0).getHeight();
        int pw = batch.paddedWidth();
        int ph = batch.paddedHeight();
        int k = model.runtime().numClasses();
        List<Segmentation> out = new ArrayList<>(n);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            Tile t = tiles.get(i);
            float[] tileLogits = batch.logits();
            int index = i;
            if (pw != w || ph != h) {
                tileLogits = crop(batch.logits(), i, k, pw, ph, w, h);
                index = 0;
            }
            // The validity is in the tile's own frame, which is the cropped logits' frame too.
            MaskResult mask = MaskDecoder.decode(tileLogits, index, k, h, w, batch.valid().get(i));
            boolean anyNoData = mask.pixelsWithData() < (long) w * h;
            out.add(Segmentation.newBuilder()
                    .setTileId(t.getTileId())
                    .setSceneId(t.getSceneId())
                    .setSource(t.getSource())
                    .setModelName(model.ref().name())
                    .setModelVersion(model.ref().version())
                    .setRuntime(model.runtime().name())
                    .setClassNames(model.classNames())
                    .setWidth(w)
                    .setHeight(h)
                    .setMask(ByteBuffer.wrap(mask.mask()))
                    .setClassPixelCounts(toList(mask.classCounts()))
                    .setMeanConfidence(mask.meanConfidence())
                    .setNodata(anyNoData ? MaskValues.NO_DATA : null)
                    .setGeoref(t.getGeoref())
                    .setPlacement(t.getPlacement())
                    .setTimings(Timings.newBuilder()
                            .setIngestedAt(t.getIngestedAt())
                            .setSegmentedAt(Instant.ofEpochMilli(now))
                            .setDecodeMicros(decodeMicros[i])
                            .setInferenceMicros(batch.inferenceMicros() / n)
                            .setBatchSize(n)
                            .build())
                    .build());
        }
        return out;
    }

    /**
     * A NaN or infinite class score means the model cannot answer for that input (its inputs are finite by
     * construction): failing here sends the tile to the DLQ instead of turning NaN into "class 0".
     */
    private static void checkFinite(float[] logits, int n, List<Tile> tiles) {
        int perTile = logits.length / n;
        for (int i = 0; i < logits.length; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new IllegalStateException("model produced a non-finite class score (" + logits[i]
                        + ") for tile " + tiles.get(i / perTile).getTileId());
            }
        }
    }

    static int roundUp(int v, int m) {
        return ((v + m - 1) / m) * m;
    }

    /** Copies a CHW image into a larger CHW canvas, replicating the last column and row into the padding. */
    static void padReplicate(float[] src, int c, int w, int h, float[] dst, int dstOffset, int pw, int ph) {
        for (int b = 0; b < c; b++) {
            int sb = b * w * h;
            int db = dstOffset + b * pw * ph;
            for (int y = 0; y < ph; y++) {
                int sy = Math.min(y, h - 1);
                int srow = sb + sy * w;
                int drow = db + y * pw;
                System.arraycopy(src, srow, dst, drow, w);
                float edge = src[srow + w - 1];
                for (int x = w; x < pw; x++) {
                    dst[drow + x] = edge;
                }
            }
        }
    }

    /** Logits of tile {@code i} cut back from the padded size to the tile's own size, as one tile. */
    static float[] crop(float[] logits, int i, int k, int pw, int ph, int w, int h) {
        float[] out = new float[k * w * h];
        int base = i * k * pw * ph;
        for (int cls = 0; cls < k; cls++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(logits, base + cls * pw * ph + y * pw, out, cls * w * h + y * w, w);
            }
        }
        return out;
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    private static List<Long> toList(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }
}
