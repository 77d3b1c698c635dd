package io.satstream.raster.internal;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import io.satstream.raster.ImageFormat;
import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;

/**
 * PNG and JPEG through the JDK's ImageIO readers. Colour images become [red, green, blue], grey ones [gray];
 * alpha is dropped; palettes are expanded. These formats carry no georeference.
 */
public final class PngJpegDecoder {
    private static final List<String> RGB = List.of("red", "green", "blue");
    private static final List<String> GRAY = List.of("gray");

    private PngJpegDecoder() {}

    public static RasterImage decode(byte[] bytes, ImageFormat format, SizeLimit limit) {
        String name = format.name();
        if (format == ImageFormat.PNG) {
            checkPngHeader(bytes, limit);
        }
        ImageReader reader = ImageIoPlugins.reader(format == ImageFormat.PNG ? ImageIoPlugins.PNG_READER
                : ImageIoPlugins.JPEG_READER);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            // the header alone, so that an absurd size is refused before anything is allocated
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            limit.checkSize(width, height);
            if (format == ImageFormat.JPEG) {
                // at most 4 components of 8 bits
                limit.checkDecodedBytes(width, height, 4, 1);
            }
            ReadWarnings warnings = ReadWarnings.attachTo(reader);
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                // the JDK JPEG reader pads a cut-off image with grey and only warns about it
                String first = warnings.all().get(0);
                boolean cut = first.contains("Premature end") || first.contains("Missing EOI")
                        || first.contains("Truncated");
                throw new RasterDecodeException(cut ? "truncated " + name : "corrupt " + name + ": " + first);
            }
            return toRaster(image, name);
        } catch (RasterDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (Failures.endedEarly(e)) {
                throw new RasterDecodeException("truncated " + name, e);
            }
            throw new RasterDecodeException("cannot decode " + name + ": " + Failures.reason(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Reads the IHDR size straight from the bytes: the JDK reader rejects a zero size with a vaguer message,
     * and this refuses an absurd one before ImageIO allocates anything.
     */
    private static void checkPngHeader(byte[] bytes, SizeLimit limit) {
        if (bytes.length < 26) {
            throw new RasterDecodeException("truncated PNG (" + bytes.length + " bytes, no complete header)");
        }
        if (bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R') {
            throw new RasterDecodeException("corrupt PNG: the first chunk is not IHDR");
        }
        long width = PngStructure.readUint32(bytes, 16);
        long height = PngStructure.readUint32(bytes, 20);
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new RasterDecodeException("corrupt PNG: size " + width + "x" + height + " is beyond the PNG limit");
        }
        limit.checkSize((int) width, (int) height);
        // IHDR: bit depth at byte 24 (16 means two bytes a sample), colour type at 25 (up to 4 samples a pixel)
        int bytesPerSample = (bytes[24] & 0xFF) == 16 ? 2 : 1;
        limit.checkDecodedBytes((int) width, (int) height, pngSamplesPerPixel(bytes[25] & 0xFF), bytesPerSample);
        PngStructure.validate(bytes);
    }

    /** Decoded samples per pixel of a PNG colour type; a palette expands to RGB(A), so it counts as four. */
    private static int pngSamplesPerPixel(int colourType) {
        return switch (colourType) {
            case 0 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
    }

    private static RasterImage toRaster(BufferedImage image, String format) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int width = image.getWidth();
        int height = image.getHeight();
        if (model instanceof IndexColorModel palette) {
            boolean gray = PlanarPacker.isGrayPalette(palette);
            byte[] pixels = PlanarPacker.expandPalette(raster, palette, gray);
            return new RasterImage(width, height, gray ? GRAY : RGB, DataType.UINT8, pixels, null, null);
        }
        int colourBands = model.getNumColorComponents();
        List<String> names = switch (model.getColorSpace().getType()) {
            case ColorSpace.TYPE_GRAY -> GRAY;
            case ColorSpace.TYPE_RGB -> RGB;
            default -> throw new RasterDecodeException("unsupported " + format + " colour space (type "
                    + model.getColorSpace().getType() + "), only RGB and grey images are read");
        };
        if (names.size() != colourBands) {
            throw new RasterDecodeException(format + " has " + colourBands + " colour components for " + names);
        }
        int bits = 0;
        for (int i = 0; i < colourBands; i++) {
            bits = Math.max(bits, model.getComponentSize(i));
        }
        DataType type = bits <= 8 ? DataType.UINT8 : bits <= 16 ? DataType.UINT16 : null;
        if (type == null) {
            throw new RasterDecodeException("unsupported " + format + " sample size of " + bits + " bits");
        }
        // AWT keeps alpha as the last band, after the colour components
        int[] bandIndices = new int[colourBands];
        for (int i = 0; i < colourBands; i++) {
            bandIndices[i] = i;
        }
        byte[] pixels = PlanarPacker.pack(raster, bandIndices, type);
        return new RasterImage(width, height, names, type, pixels, null, null);
    }
}
