package io.satstream.raster.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import io.satstream.raster.RasterDecodeException;

/**
 * Walks a PNG's chunks before decoding: every chunk must fit in the data, carry a correct CRC, and the
 * stream must end with IEND. The JDK reader checks none of this reliably (a cut file yields
 * "Invalid chunk length", a flipped bit in IDAT may decode to wrong pixels).
 */
final class PngStructure {
    private static final int SIGNATURE_LENGTH = 8;

    private PngStructure() {}

    static void validate(byte[] bytes) {
        int pos = SIGNATURE_LENGTH;
        CRC32 crc = new CRC32();
        while (true) {
            if (pos + 8 > bytes.length) {
                throw new RasterDecodeException("truncated PNG (no IEND chunk)");
            }
            long length = readUint32(bytes, pos);
            String type = new String(bytes, pos + 4, 4, StandardCharsets.ISO_8859_1);
            long end = pos + 12 + length;
            if (end > bytes.length) {
                throw new RasterDecodeException("truncated PNG");
            }
            crc.reset();
            crc.update(bytes, pos + 4, (int) (4 + length));
            if (crc.getValue() != readUint32(bytes, (int) (end - 4))) {
                throw new RasterDecodeException("corrupt PNG: bad CRC in " + printable(type) + " chunk at byte " + pos);
            }
            if (type.equals("IEND")) {
                return;
            }
            pos = (int) end;
        }
    }

    static long readUint32(byte[] b, int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | (b[at + 3] & 0xFFL);
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 'A' && c <= 'z') ? type : "an unreadable";
    }
}
