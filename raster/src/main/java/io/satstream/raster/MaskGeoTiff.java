package io.satstream.raster;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.satstream.raster.internal.GeoTiffTags;
import io.satstream.raster.internal.ImageIoPlugins;
import io.satstream.schemas.GeoReference;

/**
 * A class mask as a single-band uint8 GeoTIFF (Deflate), georeferenced like its tile so GIS tools place it:
 * the geotransform as ModelPixelScale + ModelTiepoint (ModelTransformation when rotated), the CRS in the
 * GeoKeyDirectory. A tile known only by its XYZ address gets the EPSG:3857 transform of that address.
 */
public final class MaskGeoTiff {
    private MaskGeoTiff() {}

    /** @param georef where the mask lies; null writes a plain TIFF */
    public static byte[] encode(byte[] mask, int width, int height, GeoReference georef) {
        return encode(mask, width, height, georef, null);
    }

    /** Same, with a GDAL_NODATA value (e.g. the index of an "unlabeled" class). */
    public static byte[] encode(byte[] mask, int width, int height, GeoReference georef, Double nodata) {
        MaskValidation.check(mask, width, height, 0);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(mask, 0, data, 0, mask.length);

        ImageWriter writer = ImageIoPlugins.writer(ImageIoPlugins.TIFF_WRITER);
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(mask.length / 4 + 1024);
                ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("Deflate");
            TIFFDirectory dir = TIFFDirectory.createFromMetadata(
                    writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param));
            GeoTiffTags.write(dir, withTransform(georef, width, height), nodata);
            writer.write(null, new IIOImage(image, null, dir.getAsMetadata()), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode mask GeoTIFF", e);
        } finally {
            writer.dispose();
        }
    }

    /** An XYZ-only georeference becomes its Web Mercator geotransform; anything else is kept as given. */
    static GeoReference withTransform(GeoReference georef, int width, int height) {
        if (georef == null || georef.getGeoTransform() != null || georef.getXyz() == null) {
            return georef;
        }
        return GeoReference.newBuilder(georef)
                .setEpsg(WebMercator.EPSG)
                .setGeoTransform(WebMercator.geoTransform(georef.getXyz(), width, height))
                .build();
    }
}
