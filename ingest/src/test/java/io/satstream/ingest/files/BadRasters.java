package io.satstream.ingest.files;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import io.satstream.raster.MaskGeoTiff;
import io.satstream.schemas.GeoReference;

/** Hand-made broken images for rejection tests. */
final class BadRasters {
    private BadRasters() {}

    /** A little-endian one-strip greyscale TIFF whose header says {@code width x height}, {@code compression}. */
    static byte[] tiff(int width, int height, int compression, int dataBytes) {
        int entries = 9;
        int ifd = 8;
        int data = ifd + 2 + entries * 12 + 4;
        ByteBuffer b = ByteBuffer.allocate(data + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        entry(b, 256, 4, width);
        entry(b, 257, 4, height);
        entry(b, 258, 3, 8);
        entry(b, 259, 3, compression);
        entry(b, 262, 3, 1);
        entry(b, 273, 4, data);
        entry(b, 277, 3, 1);
        entry(b, 278, 4, Math.max(1, height));
        entry(b, 279, 4, dataBytes);
        b.putInt(0);
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(1);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    /** A GeoTIFF with a geotransform but no GeoKeyDirectory: its CRS is unknown. */
    static byte[] geotiffWithoutCrs() {
        GeoReference georef = GeoReference.newBuilder().setEpsg(null)
                .setGeoTransform(List.of(1000.0, 1.0, 0.0, 2000.0, 0.0, -1.0)).setXyz(null).build();
        return MaskGeoTiff.encode(new byte[64 * 64], 64, 64, georef);
    }
}
