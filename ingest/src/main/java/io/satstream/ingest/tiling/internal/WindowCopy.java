package io.satstream.ingest.tiling.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import io.satstream.ingest.tiling.TileWindow;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;

/** Copies a window of a planar raster into a new planar buffer, filling what lies outside with padding. */
public final class WindowCopy {
    private WindowCopy() {}

    public static byte[] copy(RasterImage image, TileWindow w) {
        int bps = RasterImage.bytesPerSample(image.dataType());
        int bands = image.bandCount();
        long size = (long) w.width() * w.height() * bands * bps;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a " + w.width() + "x" + w.height() + "x" + bands + " tile needs "
                    + (size >> 20) + " MiB, too large for one buffer");
        }
        byte[] out = new byte[(int) size];
        if (w.padded()) {
            fill(out, padding(image.dataType(), image.nodata()));
        }
        byte[] in = image.pixels();
        long srcPlane = (long) image.width() * image.height() * bps;
        long dstPlane = (long) w.width() * w.height() * bps;
        int rowBytes = w.validWidth() * bps;
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < w.validHeight(); y++) {
                long src = b * srcPlane + ((long) (w.yOffset() + y) * image.width() + w.xOffset()) * bps;
                long dst = b * dstPlane + (long) y * w.width() * bps;
                System.arraycopy(in, (int) src, out, (int) dst, rowBytes);
            }
        }
        return out;
    }

    /**
     * The window of the scene's internal mask, or null when the scene has none; padding is 0 (no data),
     * which is what it is.
     */
    public static byte[] copyValidMask(RasterImage image, TileWindow w) {
        byte[] in = image.validMask();
        if (in == null) {
            return null;
        }
        byte[] out = new byte[w.width() * w.height()];
        for (int y = 0; y < w.validHeight(); y++) {
            System.arraycopy(in, (w.yOffset() + y) * image.width() + w.xOffset(), out, y * w.width(), w.validWidth());
        }
        return out;
    }

    /**
     * One sample of padding, little-endian: the nodata value when the type can hold it exactly, else 0
     * (a nodata the type cannot represent never occurs in the data either).
     */
    static byte[] padding(DataType type, Double nodata) {
        int bps = RasterImage.bytesPerSample(type);
        ByteBuffer sample = ByteBuffer.allocate(bps).order(ByteOrder.LITTLE_ENDIAN);
        if (nodata == null) {
            return sample.array();
        }
        double v = nodata;
        switch (type) {
            case UINT8 -> sample.put(v == Math.rint(v) && v >= 0 && v <= 255 ? (byte) (int) v : 0);
            case UINT16 -> sample.putShort(v == Math.rint(v) && v >= 0 && v <= 65535 ? (short) (int) v : 0);
            case FLOAT32 -> sample.putFloat((float) v);
        }
        return sample.array();
    }

    private static void fill(byte[] out, byte[] sample) {
        if (sample.length == 1) {
            Arrays.fill(out, sample[0]);
            return;
        }
        boolean zero = true;
        for (byte s : sample) {
            zero &= s == 0;
        }
        if (zero) {
            return;
        }
        for (int i = 0; i + sample.length <= out.length; i += sample.length) {
            System.arraycopy(sample, 0, out, i, sample.length);
        }
    }
}
