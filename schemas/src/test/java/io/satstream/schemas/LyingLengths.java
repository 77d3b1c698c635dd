package io.satstream.schemas;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Crafts single-object-encoded records whose length or count fields lie, as a hostile producer would.
 *
 * <p>How: encode the record twice, once with the field empty and once with one element in it; the first
 * byte where the two differ is that field's length (or count) varint, which is 0 in the first. Replacing
 * that one byte with the varint of any claim gives a record that is well formed up to the lie.
 */
public final class LyingLengths {
    private LyingLengths() {}

    /**
     * @param empty the record with the field empty (0 bytes, "" or no items)
     * @param oneMore the same record with the field holding one byte, character or item
     * @param claim the length or item count to claim instead of 0
     */
    public static byte[] claim(Tile empty, Tile oneMore, long claim) {
        byte[] a = AvroCodec.tile().encode(empty);
        byte[] b = AvroCodec.tile().encode(oneMore);
        int at = 0;
        while (at < a.length && at < b.length && a[at] == b[at]) {
            at++;
        }
        if (at >= a.length || a[at] != 0) {
            throw new IllegalArgumentException("the records do not differ in one empty length field");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + 10);
        out.write(a, 0, at);
        writeVarint(out, claim);
        out.write(a, at + 1, a.length - at - 1);
        return out.toByteArray();
    }

    /** A valid tile with {@code edit} applied twice: once emptying a field, once giving it one element. */
    public static byte[] claim(Tile base, UnaryOperator<Tile.Builder> empty, UnaryOperator<Tile.Builder> oneMore,
            long claim) {
        return claim(empty.apply(Tile.newBuilder(base)).build(), oneMore.apply(Tile.newBuilder(base)).build(), claim);
    }

    /**
     * {@code base} with its pixels' length claiming {@code claim} bytes, padded with zeros to {@code recordBytes}
     * (when longer): the record that made the demo allocate gigabytes.
     */
    public static byte[] pixelsClaiming(Tile base, long claim, int recordBytes) {
        byte[] lie = claim(base, b -> b.setPixels(ByteBuffer.allocate(0)), b -> b.setPixels(ByteBuffer.allocate(1)),
                claim);
        return padded(lie, Math.max(0, recordBytes - lie.length));
    }

    /** Avro's zig-zag varint of a long. */
    public static void writeVarint(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    /** {@code bytes} with the given number of bytes appended, e.g. to pad a lie to a realistic size. */
    public static byte[] padded(byte[] bytes, int extra) {
        return Arrays.copyOf(bytes, bytes.length + extra);
    }
}
