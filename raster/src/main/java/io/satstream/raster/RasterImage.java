package io.satstream.raster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;

/**
 * A decoded raster: {@code bandCount} planes of {@code width*height} samples each, band-sequential
 * (planar), row-major, multi-byte samples little-endian — the same layout as {@link Tile#getPixels()}.
 *
 * @param nodata the sample value that means "no data", or null
 * @param georef where the grid lies on Earth, or null when the image is not georeferenced
 * @param validMask one byte per pixel, row-major, 0 where the source's internal mask (or alpha) says there is
 *     no data; null when the source has no such mask. See {@link ValidPixels} for the combined view.
 */
public record RasterImage(int width, int height, List<String> bands, DataType dataType, byte[] pixels, Double nodata,
        GeoReference georef, byte[] validMask) {

    /** A raster without an internal mask. */
    public RasterImage(int width, int height, List<String> bands, DataType dataType, byte[] pixels, Double nodata,
            GeoReference georef) {
        this(width, height, bands, dataType, pixels, nodata, georef, null);
    }

    public RasterImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("raster size must be positive, got " + width + "x" + height);
        }
        Objects.requireNonNull(bands, "bands");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(pixels, "pixels");
        if (bands.isEmpty()) {
            throw new IllegalArgumentException("a raster needs at least one band");
        }
        bands = List.copyOf(bands);
        long expected = (long) width * height * bands.size() * bytesPerSample(dataType);
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length + " bytes, but " + width + "x"
                    + height + "x" + bands.size() + " " + dataType + " needs " + expected);
        }
        if (validMask != null && validMask.length != width * height) {
            throw new IllegalArgumentException("valid mask holds " + validMask.length + " bytes, but a " + width + "x"
                    + height + " raster needs " + (width * height));
        }
    }

    /** The same raster with {@code validMask} as its internal mask. */
    public RasterImage withValidMask(byte[] validMask) {
        return new RasterImage(width, height, bands, dataType, pixels, nodata, georef, validMask);
    }

    /** Builds the raster view of an Avro tile (shares the tile's pixel and mask arrays where it can). */
    public static RasterImage fromTile(Tile tile) {
        return new RasterImage(tile.getWidth(), tile.getHeight(), tile.getBands(), tile.getDataType(),
                arrayOf(tile.getPixels()), tile.getNodata(), tile.getGeoref(), arrayOf(tile.getValidMask()));
    }

    /** The buffer's bytes: its own array when it spans all of it (no copy), else a copy; null for null. */
    private static byte[] arrayOf(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    public static int bytesPerSample(DataType dataType) {
        return switch (dataType) {
            case UINT8 -> 1;
            case UINT16 -> 2;
            case FLOAT32 -> 4;
        };
    }

    public int bandCount() {
        return bands.size();
    }

    public int pixelCount() {
        return width * height;
    }

    /** One sample as a double (uint8/uint16 unsigned), for inspection and tests rather than hot loops. */
    public double sample(int band, int x, int y) {
        if (band < 0 || band >= bands.size() || x < 0 || x >= width || y < 0 || y >= height) {
            throw new IndexOutOfBoundsException(
                    "sample (band " + band + ", " + x + ", " + y + ") outside " + width + "x" + height + "x" + bands.size());
        }
        int index = band * pixelCount() + y * width + x;
        ByteBuffer le = ByteBuffer.wrap(pixels).order(ByteOrder.LITTLE_ENDIAN);
        return switch (dataType) {
            case UINT8 -> pixels[index] & 0xFF;
            case UINT16 -> le.getShort(index * 2) & 0xFFFF;
            case FLOAT32 -> le.getFloat(index * 4);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RasterImage r && width == r.width && height == r.height && bands.equals(r.bands)
                && dataType == r.dataType && Arrays.equals(pixels, r.pixels) && Objects.equals(nodata, r.nodata)
                && Objects.equals(georef, r.georef) && Arrays.equals(validMask, r.validMask);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, bands, dataType, Arrays.hashCode(pixels), nodata, georef, Arrays.hashCode(validMask));
    }

    @Override
    public String toString() {
        return "RasterImage[" + width + "x" + height + " " + bands + " " + dataType + ", nodata=" + nodata + ", georef="
                + georef + (validMask == null ? "" : ", masked") + "]";
    }
}
