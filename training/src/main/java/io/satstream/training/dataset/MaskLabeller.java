package io.satstream.training.dataset;

import io.satstream.inference.Evaluation;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a decoded mask into one label per pixel through a {@link ClassFile}: a class index, or
 * {@value Evaluation#IGNORE} for listed ignore values and for values the class file does not know (counted apart).
 * Colour masks are compared as RGB: a palette PNG arrives here already expanded to its colours by the raster decoder,
 * so per-file palette orders do not matter; a grey mask's value v is the colour (v, v, v).
 */
public final class MaskLabeller {

    /** Distinct unknown values kept for messages; more are counted but not named. */
    static final int NAMED_UNKNOWN_VALUES = 8;

    /**
     * @param labels one label per pixel, row-major
     * @param ignoredPixels pixels with a value listed under {@code ignore}
     * @param unknownPixels pixels with a value the class file does not know (also ignored)
     * @param unknownValues up to {@value #NAMED_UNKNOWN_VALUES} of those values with their pixel counts, as the class
     *     file writes them ({@code colour #000000})
     */
    public record Labels(byte[] labels, long ignoredPixels, long unknownPixels, Map<String, Long> unknownValues) {
        public Labels {
            Objects.requireNonNull(labels, "labels");
            unknownValues = Collections.unmodifiableMap(new LinkedHashMap<>(unknownValues));
        }
    }

    private MaskLabeller() {
    }

    /** @throws DatasetException (without the file name: the caller knows it) when the mask's kind does not fit */
    public static Labels label(RasterImage mask, ClassFile classes) {
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(classes, "classes");
        int bands = mask.bandCount();
        if (classes.kind() == ClassFile.Kind.COLOR) {
            if (mask.dataType() != DataType.UINT8 || (bands != 3 && bands != 1)) {
                throw new DatasetException("a colour mask must be 8-bit RGB or grey (the class file gives colours),"
                        + " this one has " + bands + " " + mask.dataType() + " band(s) " + mask.bands());
            }
        } else if (bands != 1 || mask.dataType() == DataType.FLOAT32) {
            throw new DatasetException("an id mask must have one 8- or 16-bit band (the class file gives ids), this"
                    + " one has " + bands + " " + mask.dataType() + " band(s) " + mask.bands()
                    + (bands == 3 ? "; for RGB masks give colours in the class file" : ""));
        }
        int n = mask.pixelCount();
        byte[] px = mask.pixels();
        byte[] labels = new byte[n];
        long ignored = 0;
        long unknown = 0;
        Map<Integer, Long> unknownCounts = new LinkedHashMap<>();
        // Masks are mostly long runs of one value: remembering the last lookup skips most map lookups.
        int lastValue = -1;
        int lastLabel = ClassFile.UNKNOWN;
        boolean colour = classes.kind() == ClassFile.Kind.COLOR;
        for (int i = 0; i < n; i++) {
            int v = value(mask, px, i, n, colour);
            int label = v == lastValue ? lastLabel : classes.labelOf(v);
            lastValue = v;
            lastLabel = label;
            if (label == ClassFile.UNKNOWN) {
                unknown++;
                labels[i] = (byte) Evaluation.IGNORE;
                if (unknownCounts.size() < NAMED_UNKNOWN_VALUES || unknownCounts.containsKey(v)) {
                    unknownCounts.merge(v, 1L, Long::sum);
                }
            } else {
                if (label == Evaluation.IGNORE) {
                    ignored++;
                }
                labels[i] = (byte) label;
            }
        }
        Map<String, Long> named = new LinkedHashMap<>();
        List<Map.Entry<Integer, Long>> entries = new ArrayList<>(unknownCounts.entrySet());
        entries.sort(Map.Entry.<Integer, Long>comparingByValue().reversed());
        for (Map.Entry<Integer, Long> e : entries) {
            named.put(classes.describe(e.getKey()), e.getValue());
        }
        return new Labels(labels, ignored, unknown, named);
    }

    /** Pixel {@code i}'s value: 0xRRGGBB for colour masks (grey v as v,v,v), the sample for id masks. */
    private static int value(RasterImage mask, byte[] px, int i, int n, boolean colour) {
        if (mask.bandCount() == 3) {
            return (px[i] & 0xFF) << 16 | (px[n + i] & 0xFF) << 8 | (px[2 * n + i] & 0xFF);
        }
        if (mask.dataType() == DataType.UINT16) {
            // little-endian samples, as RasterImage keeps them
            return (px[2 * i] & 0xFF) | (px[2 * i + 1] & 0xFF) << 8;
        }
        int g = px[i] & 0xFF;
        return colour ? g << 16 | g << 8 | g : g;
    }
}
