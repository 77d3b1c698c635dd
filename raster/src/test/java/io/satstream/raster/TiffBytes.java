package io.satstream.raster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-made little-endian classic TIFFs with exactly the tags a test wants, including lies (a header
 * claiming 100000x100000, an unknown compression) that no well-behaved writer would produce. Shared with
 * other modules' tests through this module's test jar.
 */
public final class TiffBytes {
    private static final short SHORT = 3;
    private static final short LONG = 4;

    private final Map<Integer, int[]> tags = new TreeMap<>();
    private final Map<Integer, Short> types = new TreeMap<>();
    private byte[] pixelData = new byte[0];

    public static TiffBytes gray8(int width, int height) {
        return new TiffBytes()
                .longTag(256, width).longTag(257, height)
                .shortTag(258, 8).shortTag(259, 1).shortTag(262, 1).shortTag(277, 1)
                .longTag(278, height);
    }

    public TiffBytes shortTag(int tag, int... values) {
        tags.put(tag, values);
        types.put(tag, SHORT);
        return this;
    }

    public TiffBytes longTag(int tag, int... values) {
        tags.put(tag, values);
        types.put(tag, LONG);
        return this;
    }

    /** The one strip's data; StripOffsets and StripByteCounts are filled in by {@link #build()}. */
    public TiffBytes pixels(byte[] data) {
        this.pixelData = data;
        return this;
    }

    /** Like {@link #pixels}, but StripByteCounts claims {@code claimedBytes} although fewer follow. */
    public byte[] buildClaiming(int claimedBytes) {
        return build(claimedBytes);
    }

    public byte[] build() {
        return build(pixelData.length);
    }

    private byte[] build(int claimedBytes) {
        Map<Integer, int[]> all = new TreeMap<>(tags);
        Map<Integer, Short> allTypes = new TreeMap<>(types);
        all.put(273, new int[] {0}); // placeholder, patched below
        allTypes.put(273, LONG);
        all.put(279, new int[] {claimedBytes});
        allTypes.put(279, LONG);
        int ifdOffset = 8;
        int ifdSize = 2 + 12 * all.size() + 4;
        // values that do not fit in 4 bytes go right after the IFD
        int extraOffset = ifdOffset + ifdSize;
        int extraSize = 0;
        for (var e : all.entrySet()) {
            int bytes = e.getValue().length * (allTypes.get(e.getKey()) == SHORT ? 2 : 4);
            if (bytes > 4) {
                extraSize += bytes;
            }
        }
        int dataOffset = extraOffset + extraSize;
        all.put(273, new int[] {dataOffset});
        ByteBuffer out = ByteBuffer.allocate(dataOffset + pixelData.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifdOffset);
        out.putShort((short) all.size());
        int extraCursor = extraOffset;
        for (var e : all.entrySet()) {
            short type = allTypes.get(e.getKey());
            int[] values = e.getValue();
            int bytes = values.length * (type == SHORT ? 2 : 4);
            out.putShort((short) (int) e.getKey()).putShort(type).putInt(values.length);
            if (bytes <= 4) {
                int start = out.position();
                for (int v : values) {
                    if (type == SHORT) {
                        out.putShort((short) v);
                    } else {
                        out.putInt(v);
                    }
                }
                out.position(start + 4);
            } else {
                out.putInt(extraCursor);
                int keep = out.position();
                out.position(extraCursor);
                for (int v : values) {
                    if (type == SHORT) {
                        out.putShort((short) v);
                    } else {
                        out.putInt(v);
                    }
                }
                extraCursor = out.position();
                out.position(keep);
            }
        }
        out.putInt(0); // no next IFD
        out.position(dataOffset);
        out.put(pixelData);
        return out.array();
    }
}
