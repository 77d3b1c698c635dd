package io.satstream.raster.internal;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFImageReadParam;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import io.satstream.raster.ImageFormat;
import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;

/**
 * (Geo)TIFF through the JDK's own TIFF reader (pixel-exact on every file in shared/data, JPEG-compressed
 * COG included). Reads the first image of the file and, when there is one, GDAL's internal mask as the
 * raster's valid mask; samples are kept as stored (no alpha handling: NAIP's 4th band is NIR although the
 * file calls it alpha).
 */
public final class TiffDecoder {
    /** Compression schemes the JDK reader decodes. */
    private static final List<Integer> SUPPORTED_COMPRESSION = List.of(1, 2, 3, 4, 5, 6, 7, 8, 32773, 32946);
    private static final Map<Integer, String> COMPRESSION_NAMES = Map.of(
            34712, "JPEG 2000", 34887, "LERC", 34925, "LZMA", 50000, "ZSTD", 50001, "WebP", 50002, "JPEG XL",
            52546, "JPEG XL");

    /** A COG has one IFD per overview level and mask level; more than this is not a raster we read. */
    private static final int MAX_IFDS_SCANNED = 64;

    private TiffDecoder() {}

    public static RasterImage decode(byte[] bytes, SizeLimit limit) {
        if (ImageFormat.isBigTiff(bytes)) {
            throw new RasterDecodeException("unsupported TIFF variant: BigTIFF (convert it to classic TIFF or COG)");
        }
        ImageReader reader = ImageIoPlugins.reader(ImageIoPlugins.TIFF_READER);
        try {
            // Pass 1: the first IFD only, to check size, compression and sample layout before decoding.
            TIFFDirectory header;
            int width;
            int height;
            try (ImageInputStream in = stream(bytes)) {
                reader.setInput(in, true, false);
                width = reader.getWidth(0);
                height = reader.getHeight(0);
                limit.checkSize(width, height);
                header = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
            }
            int photometric = intField(header, BaselineTIFFTagSet.TAG_PHOTOMETRIC_INTERPRETATION, -1);
            checkCompression(header);
            int samples = intField(header, BaselineTIFFTagSet.TAG_SAMPLES_PER_PIXEL, 1);
            DataType type = sampleType(header, samples, photometric);
            int outBands = photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_PALETTE_COLOR ? 3 : samples;
            limit.checkDecodedBytes(width, height, outBands, RasterImage.bytesPerSample(type));
            checkDataPresent(header, bytes.length);

            // Pass 2: a fresh input, because the reader parses the IFD once per input and only keeps
            // unknown tags (GDAL_NODATA) when the first parse already had setReadUnknownTags(true).
            try (ImageInputStream in = stream(bytes)) {
                reader.setInput(in, true, false);
                TIFFImageReadParam param = new TIFFImageReadParam();
                param.setReadUnknownTags(true);
                // The TIFF reader's warnings are metadata fix-ups (e.g. a planar flag on a one-band image),
                // not damage; missing data is caught by checkDataPresent above.
                BufferedImage image = reader.read(0, param);
                IIOMetadata metadata = reader.getImageMetadata(0);
                TIFFDirectory dir = TIFFDirectory.createFromMetadata(metadata);
                GeoReference georef = GeoTiffTags.readGeoReference(dir);
                Double nodata = GeoTiffTags.readNodata(dir);
                RasterImage raster = toRaster(image, photometric, type, nodata, georef);
                byte[] mask = readInternalMask(reader, width, height, bytes.length);
                return mask == null ? raster : raster.withValidMask(mask);
            }
        } catch (RasterDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (Failures.endedEarly(e)) {
                throw new RasterDecodeException("truncated TIFF", e);
            }
            throw new RasterDecodeException("cannot decode TIFF: " + Failures.reason(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * GDAL's internal per-dataset mask: a later IFD with NewSubfileType "transparency mask" (bit 4) and
     * not "reduced resolution" (bit 1), the size of the image, usually 1-bit DEFLATE. Non-zero = data.
     * Overview masks (subfile type 5) are skipped. Returns null when the file has no mask.
     */
    private static byte[] readInternalMask(ImageReader reader, int width, int height, int length) throws IOException {
        for (int i = 1; i <= MAX_IFDS_SCANNED; i++) {
            TIFFDirectory dir;
            try {
                dir = TIFFDirectory.createFromMetadata(reader.getImageMetadata(i));
            } catch (IndexOutOfBoundsException e) {
                return null; // no more IFDs
            }
            int subfileType = intField(dir, BaselineTIFFTagSet.TAG_NEW_SUBFILE_TYPE, 0);
            boolean mask = (subfileType & BaselineTIFFTagSet.NEW_SUBFILE_TYPE_TRANSPARENCY) != 0;
            boolean reduced = (subfileType & BaselineTIFFTagSet.NEW_SUBFILE_TYPE_REDUCED_RESOLUTION) != 0;
            if (!mask || reduced || reader.getWidth(i) != width || reader.getHeight(i) != height) {
                continue;
            }
            checkCompression(dir);
            checkDataPresent(dir, length);
            Raster raster = reader.read(i).getRaster();
            byte[] valid = new byte[width * height];
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    valid[y * width + x] = (byte) (row[x] != 0 ? 1 : 0);
                }
            }
            return valid;
        }
        return null;
    }

    private static ImageInputStream stream(byte[] bytes) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    private static RasterImage toRaster(BufferedImage image, int photometric, DataType type, Double nodata,
            GeoReference georef) {
        Raster raster = image.getRaster();
        int width = image.getWidth();
        int height = image.getHeight();
        if (photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_PALETTE_COLOR
                && image.getColorModel() instanceof IndexColorModel palette) {
            byte[] pixels = PlanarPacker.expandPalette(raster, palette, false);
            return new RasterImage(width, height, bandNames(photometric, 3), DataType.UINT8, pixels, nodata, georef);
        }
        int bands = raster.getNumBands();
        int[] indices = new int[bands];
        for (int i = 0; i < bands; i++) {
            indices[i] = i;
        }
        byte[] pixels = PlanarPacker.pack(raster, indices, type);
        return new RasterImage(width, height, bandNames(photometric, bands), type, pixels, nodata, georef);
    }

    /** RGB-like photometrics name their first three bands; everything else is band1..bandN. */
    static List<String> bandNames(int photometric, int count) {
        boolean rgb = photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_RGB
                || photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_Y_CB_CR
                || photometric == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_PALETTE_COLOR;
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (rgb && i < 3) {
                names.add(List.of("red", "green", "blue").get(i));
            } else {
                names.add("band" + (i + 1));
            }
        }
        return names;
    }

    private static void checkCompression(TIFFDirectory dir) {
        int compression = intField(dir, BaselineTIFFTagSet.TAG_COMPRESSION, 1);
        if (!SUPPORTED_COMPRESSION.contains(compression)) {
            String name = COMPRESSION_NAMES.get(compression);
            throw new RasterDecodeException("unsupported TIFF compression " + compression
                    + (name == null ? "" : " (" + name + ")"));
        }
    }

    private static DataType sampleType(TIFFDirectory dir, int samples, int photometric) {
        TIFFField bitsField = dir.getTIFFField(BaselineTIFFTagSet.TAG_BITS_PER_SAMPLE);
        TIFFField formatField = dir.getTIFFField(BaselineTIFFTagSet.TAG_SAMPLE_FORMAT);
        int bits = bitsField == null ? 1 : bitsField.getAsInt(0);
        int format = formatField == null ? BaselineTIFFTagSet.SAMPLE_FORMAT_UNSIGNED_INTEGER : formatField.getAsInt(0);
        for (int i = 1; i < samples; i++) {
            int b = bitsField == null || i >= bitsField.getCount() ? bits : bitsField.getAsInt(i);
            int f = formatField == null || i >= formatField.getCount() ? format : formatField.getAsInt(i);
            if (b != bits || f != format) {
                throw new RasterDecodeException("unsupported TIFF with mixed sample types (" + bits + "-bit and "
                        + b + "-bit)");
            }
        }
        boolean unsigned = format == BaselineTIFFTagSet.SAMPLE_FORMAT_UNSIGNED_INTEGER;
        if (unsigned && bits <= 8) {
            return DataType.UINT8;
        }
        if (unsigned && bits == 16) {
            return DataType.UINT16;
        }
        if (format == BaselineTIFFTagSet.SAMPLE_FORMAT_FLOATING_POINT && bits == 32) {
            return DataType.FLOAT32;
        }
        String kind = switch (format) {
            case BaselineTIFFTagSet.SAMPLE_FORMAT_UNSIGNED_INTEGER -> "unsigned integer";
            case BaselineTIFFTagSet.SAMPLE_FORMAT_SIGNED_INTEGER -> "signed integer";
            case BaselineTIFFTagSet.SAMPLE_FORMAT_FLOATING_POINT -> "floating point";
            default -> "format " + format;
        };
        throw new RasterDecodeException("unsupported TIFF sample type: " + bits + "-bit " + kind
                + " (supported: uint8, uint16, float32)");
    }

    /**
     * Every strip or tile must lie inside the data: the JDK reader would otherwise hand back an image whose
     * missing part is silently zero.
     */
    private static void checkDataPresent(TIFFDirectory dir, int length) {
        TIFFField offsets = dir.getTIFFField(BaselineTIFFTagSet.TAG_TILE_OFFSETS);
        TIFFField counts = dir.getTIFFField(BaselineTIFFTagSet.TAG_TILE_BYTE_COUNTS);
        String unit = "tile";
        if (offsets == null) {
            offsets = dir.getTIFFField(BaselineTIFFTagSet.TAG_STRIP_OFFSETS);
            counts = dir.getTIFFField(BaselineTIFFTagSet.TAG_STRIP_BYTE_COUNTS);
            unit = "strip";
        }
        if (offsets == null) {
            throw new RasterDecodeException("corrupt TIFF: no strip or tile offsets");
        }
        if (counts == null) {
            return; // the reader can infer byte counts for uncompressed data; nothing to check against
        }
        int n = Math.min(offsets.getCount(), counts.getCount());
        for (int i = 0; i < n; i++) {
            long end = offsets.getAsLong(i) + counts.getAsLong(i);
            if (end > length) {
                throw new RasterDecodeException("truncated TIFF: " + unit + " " + i + " of " + offsets.getCount()
                        + " ends at byte " + end + " but the data has " + length);
            }
        }
    }

    private static int intField(TIFFDirectory dir, int tag, int fallback) {
        TIFFField field = dir.getTIFFField(tag);
        return field == null || field.getCount() == 0 ? fallback : field.getAsInt(0);
    }
}
