package io.satstream.raster;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Hand-made PNGs with valid chunk CRCs, for headers no honest encoder would write. Shared with other modules'
 * tests through this module's test jar.
 */
public final class PngBytes {
    private PngBytes() {}

    /** A PNG whose IHDR claims {@code width x height} 8-bit grey, followed by a tiny IDAT and IEND. */
    public static byte[] grayClaiming(int width, int height) {
        return png(width, height, 0, new byte[] {0, 0, 0, 0});
    }

    /**
     * A PNG whose IHDR says {@code width x height} of 8-bit samples of {@code colourType}, with {@code raw} (filter
     * bytes and samples, as PNG lays out rows) deflated into one IDAT: a bomb when {@code raw} is large and uniform.
     */
    public static byte[] png(int width, int height, int colourType, byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
